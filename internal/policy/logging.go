package policy

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"encoding/json"
	"fmt"
)

func checkLogs(s *Stack) []Violation {
	var out []Violation
	groups := map[string]bool{}
	for _, g := range s.resources("aws_cloudwatch_log_group") {
		groups[tfjson.Str(g.Fields, "name")] = true
		if days, ok := tfjson.Num(g.Fields, "retention_in_days"); !ok || days <= 0 {
			out = append(out, s.violation(g, RuleLogRetention,
				"set retention_in_days (logs.NewLogGroup requires one; the environment default is 30 days in dev, 90 in production)",
				"log group %q never expires its events", tfjson.Str(g.Fields, "name")))
		}
	}
	for _, fn := range s.resources("aws_lambda_function") {
		name := tfjson.Str(fn.Fields, "function_name")
		configured := false
		for _, lc := range objects(fn.Fields["logging_config"]) {
			if tfjson.Str(lc, "log_group") != "" {
				configured = true
			}
		}
		if configured || groups["/aws/lambda/"+name] {
			continue
		}
		out = append(out, s.violation(fn, RuleLogDestination,
			"create its log group /aws/lambda/<function name> with a retention in the same stack (lambda.NewFunction does), or set logging_config.log_group",
			"function %q has no log group in this stack, so Lambda would create one that never expires", name))
	}
	for _, td := range s.resources("aws_ecs_task_definition") {
		containers, err := containerDefinitions(td)
		if err != nil {
			out = append(out, s.violation(td, RuleLogDestination, "render container_definitions as literal JSON", "%v", err))
			continue
		}
		for _, c := range containers {
			lc, _ := c["logConfiguration"].(map[string]any)
			driver := tfjson.Str(lc, "logDriver")
			opts, _ := lc["options"].(map[string]any)
			switch {
			case driver == "":
				out = append(out, s.violation(td, RuleLogDestination,
					"give the container a logConfiguration with the awslogs driver and a log group that has a retention",
					"container %q has no log destination", tfjson.Str(c, "name")))
			case driver == "awslogs" && tfjson.Str(opts, "awslogs-group") == "":
				out = append(out, s.violation(td, RuleLogDestination,
					"set logConfiguration.options.awslogs-group to a log group of the stack",
					"container %q uses awslogs without a log group", tfjson.Str(c, "name")))
			case driver == "awslogs" && !isReference(tfjson.Str(opts, "awslogs-group")) && !groups[tfjson.Str(opts, "awslogs-group")]:
				out = append(out, s.violation(td, RuleLogDestination,
					"create the log group, with a retention, in the same stack (logs.NewLogGroup)",
					"container %q logs to %q, which this stack does not create, so its retention is unknown", tfjson.Str(c, "name"), tfjson.Str(opts, "awslogs-group")))
			}
		}
	}
	return out
}

// containerDefinitions parses a task definition's container_definitions.
func containerDefinitions(td block) ([]map[string]any, error) {
	raw := tfjson.Str(td.Fields, "container_definitions")
	var list []map[string]any
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, fmt.Errorf("container_definitions is not JSON the checks can read (%v)", err)
	}
	return list, nil
}
