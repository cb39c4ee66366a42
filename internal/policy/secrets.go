package policy

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"regexp"
	"sort"
)

// secretName matches variable names that usually hold a secret.
var secretName = regexp.MustCompile(`(?i)(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY|CONNECTION_?STRING)`)

// pointerName matches variables that hold where a secret is, not the secret
// (API_KEY_PARAMETER=/project/env/api-key, which the code reads at run time).
var pointerName = regexp.MustCompile(`(?i)(_PARAMETER|_PARAMETER_NAME|_ARN|_SECRET_ID|_SECRET_NAME|_PATH)$`)

// LooksSecret reports whether an environment variable name suggests its value
// is a secret.
func LooksSecret(name string) bool {
	return secretName.MatchString(name) && !pointerName.MatchString(name)
}

func checkSecrets(s *Stack) []Violation {
	var out []Violation
	for _, v := range s.resources("aws_secretsmanager_secret_version") {
		for _, f := range []string{"secret_string", "secret_binary"} {
			if _, set := v.Fields[f]; set {
				out = append(out, s.violation(v, RuleSecretValue,
					"create the secret without a version and set its value out of band (aws secretsmanager put-secret-value), so it is in neither the JSON nor the state",
					"secret version sets %s", f))
			}
		}
	}
	for _, p := range s.resources("aws_ssm_parameter") {
		if tfjson.Str(p.Fields, "type") != "SecureString" {
			continue
		}
		for _, f := range []string{"value", "insecure_value"} {
			if _, set := p.Fields[f]; set {
				out = append(out, s.violation(p, RuleSecretValue,
					"do not manage the SecureString's value in Terraform: create it with `aws ssm put-parameter --type SecureString` and grant read access to its name",
					"SecureString parameter %q has its %s in the configuration", tfjson.Str(p.Fields, "name"), f))
			}
		}
	}
	for _, td := range s.resources("aws_ecs_task_definition") {
		containers, err := containerDefinitions(td)
		if err != nil {
			continue // reported by the log-destination rule
		}
		for _, c := range containers {
			for _, e := range objects(c["environment"]) {
				if name := tfjson.Str(e, "name"); LooksSecret(name) && !s.NotSecrets.Allows(name) {
					out = append(out, s.violation(td, RuleSecretValue,
						"pass it in the container's secrets with valueFrom (a Secrets Manager secret or SSM parameter ARN), never as a plain environment value",
						"container %q sets %s as a plain environment variable", tfjson.Str(c, "name"), name))
				}
			}
		}
	}
	for _, fn := range s.resources("aws_lambda_function") {
		var names []string
		for _, env := range objects(fn.Fields["environment"]) {
			vars, _ := env["variables"].(map[string]any)
			for name := range vars {
				if LooksSecret(name) && !s.NotSecrets.Allows(name) {
					names = append(names, name)
				}
			}
		}
		sort.Strings(names)
		for _, name := range names {
			out = append(out, s.violation(fn, RuleSecretValue,
				"declare it as an ssm.SecureString parameter: the function gets <NAME>_PARAMETER and reads the value at run time",
				"function %q sets %s as a plain environment variable", tfjson.Str(fn.Fields, "function_name"), name))
		}
	}
	return out
}
