package main

import "encoding/json"

const account = "427479925030"
const region = "us-east-2"

func policyJSON(doc any) string {
	b, _ := json.Marshal(doc)
	return string(b)
}

// rukSchedulerDev is ruk-scheduler in dev as the HCL modules deployed it:
// module.lambda (for_each over functions: function, log group, build
// trigger), module.iam (execution roles per function), module.scheduler
// (one role, counted, and a schedule per entry of schedules.yaml) and
// module.ssm (parameters read as data sources) and module.github_oidc (the
// role CI assumes).
func rukSchedulerDev() []res {
	const p, e = "ruk-scheduler", "dev"
	fn := "ruk-scheduler-dev-message-hub-dispatch"
	fnArn := "arn:aws:lambda:us-east-2:" + account + ":function:" + fn
	roleArn := "arn:aws:iam::" + account + ":role/" + fn
	schedRole := "ruk-scheduler-dev-scheduler"
	schedRoleArn := "arn:aws:iam::" + account + ":role/" + schedRole
	logGroup := "/aws/lambda/" + fn
	logArn := "arn:aws:logs:us-east-2:" + account + ":log-group:" + logGroup
	lambdaMod := `module.lambda["message-hub-dispatch"]`
	ghRole := "ruk-scheduler-dev-github-actions"
	trust := func(service string) string {
		return policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole"}}})
	}
	return []res{
		{module: lambdaMod, mode: "managed", typ: "aws_lambda_function", name: "this", values: withTags(map[string]any{
			"arn": fnArn, "id": fn, "function_name": fn, "role": roleArn, "handler": "index.handler",
			"runtime": "nodejs22.x", "memory_size": 128, "timeout": 30, "architectures": []any{"x86_64"},
			"description":      "Asks the message hub to dispatch messages that are due",
			"filename":         "../../lambdas/message-hub-dispatch/dist/lambda.zip",
			"source_code_hash": "Xq3bS1mJ0bq5Zl1b8d9m2W0b0P0yJm7QvJ8c3gH9kLk=",
			"environment": []any{map[string]any{"variables": map[string]any{
				"PROJECT_NAME": p, "ENVIRONMENT": e, "FUNCTION_NAME": fn,
				"MESSAGE_HUB_URL": "https://hub.dev.example.com",
			}}},
			"invoke_arn":                     "arn:aws:apigateway:us-east-2:lambda:path/2015-03-31/functions/" + fnArn + "/invocations",
			"qualified_arn":                  fnArn + ":$LATEST",
			"version":                        "$LATEST",
			"last_modified":                  "2026-01-14T10:22:31.000+0000",
			"package_type":                   "Zip",
			"publish":                        false,
			"reserved_concurrent_executions": -1,
			"ephemeral_storage":              []any{map[string]any{"size": 512}},
			"logging_config": []any{map[string]any{"log_format": "Text", "log_group": logGroup,
				"application_log_level": "", "system_log_level": ""}},
			"tracing_config":   []any{map[string]any{"mode": "PassThrough"}},
			"vpc_config":       []any{},
			"layers":           []any{},
			"kms_key_arn":      "",
			"timeouts":         nil,
			"skip_destroy":     false,
			"signing_job_arn":  "",
			"source_code_size": 4812,
		}, p, e, nil)},
		{module: lambdaMod, mode: "managed", typ: "aws_cloudwatch_log_group", name: "this", values: withTags(map[string]any{
			"arn": logArn, "id": logGroup, "name": logGroup, "name_prefix": "", "retention_in_days": 30,
			"kms_key_id": "", "log_group_class": "STANDARD", "skip_destroy": false,
		}, p, e, nil)},
		// hashicorp/null 3.2's resource: id and triggers are its whole schema.
		{module: lambdaMod, mode: "managed", typ: "null_resource", name: "build", values: map[string]any{
			"id": "7215930287469181233", "triggers": map[string]any{"source_hash": "5d41402abc4b2a76b9719d911017c592"},
		}},
		// hashicorp/archive 2.7's data source, every attribute of its schema.
		{module: lambdaMod, mode: "data", typ: "archive_file", name: "zip", values: map[string]any{
			"id": "9c2f6e1f0a4b7d3c5e8f1a2b3c4d5e6f7a8b9c0d", "type": "zip",
			"source_dir": "../../lambdas/message-hub-dispatch/dist", "source_file": nil, "source_content": nil,
			"source_content_filename": nil, "source": []any{}, "excludes": nil, "exclude_symlink_directories": nil,
			"output_path": "../../lambdas/message-hub-dispatch/dist/lambda.zip", "output_file_mode": nil, "output_size": 4812,
			"output_md5": "5d41402abc4b2a76b9719d911017c592", "output_sha": "9c2f6e1f0a4b7d3c5e8f1a2b3c4d5e6f7a8b9c0d",
			"output_sha256":       "5e97b4b55989d1bab9665d5bf1dd9b66f56d00f4a0cc9bc5be42709f2e6be0b9",
			"output_base64sha256": "Xq3bS1mJ0bq5Zl1b8d9m2W0b0P0yJm7QvJ8c3gH9kLk=",
			"output_sha512":       "0d5c1f1c3a8f6b2e7a9d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d",
			"output_base64sha512": "DVwfHDqPay56nUxban+OnQwbKj9OXWx7ip8OHSw7SlH26NjJsKHy49TFtqf46dDBsqP05dbHuKnw4dLDtKX2590=",
		}},
		{module: "module.iam", mode: "managed", typ: "aws_iam_role", name: "lambda", index: "message-hub-dispatch", values: withTags(map[string]any{
			"arn": roleArn, "id": fn, "name": fn, "name_prefix": "", "path": "/", "unique_id": "AROAWEXAMPLE0DISPATCH",
			"assume_role_policy":    trust("lambda.amazonaws.com"),
			"description":           "Execution role of Lambda " + fn,
			"max_session_duration":  3600,
			"force_detach_policies": false,
			"managed_policy_arns":   []any{},
			"inline_policy":         []any{map[string]any{"name": fn, "policy": "{}"}},
			"permissions_boundary":  "",
			"create_date":           "2026-01-14T10:21:58Z",
		}, p, e, nil)},
		{module: "module.iam", mode: "managed", typ: "aws_iam_role_policy", name: "lambda", index: "message-hub-dispatch", values: map[string]any{
			"id": fn + ":" + fn, "name": fn, "name_prefix": "", "role": fn,
			"policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Sid": "WriteOwnLogs", "Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"}, "Resource": logArn + ":log-stream:*"},
				map[string]any{"Sid": "ReadProjectParameters", "Effect": "Allow", "Action": []any{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
					"Resource": "arn:aws:ssm:us-east-2:" + account + ":parameter/ruk-scheduler/dev/*"},
			}}),
		}},
		{module: "module.scheduler", mode: "managed", typ: "aws_iam_role", name: "scheduler", index: 0, values: withTags(map[string]any{
			"arn": schedRoleArn, "id": schedRole, "name": schedRole, "name_prefix": "", "path": "/", "unique_id": "AROAWEXAMPLE0SCHEDULER",
			"assume_role_policy":    trust("scheduler.amazonaws.com"),
			"description":           "EventBridge Scheduler role of ruk-scheduler-dev",
			"max_session_duration":  3600,
			"force_detach_policies": false,
			"managed_policy_arns":   []any{},
			"permissions_boundary":  "",
			"create_date":           "2026-01-14T10:21:58Z",
		}, p, e, nil)},
		{module: "module.scheduler", mode: "managed", typ: "aws_iam_role_policy", name: "scheduler", index: 0, values: map[string]any{
			"id": schedRole + ":" + schedRole, "name": schedRole, "name_prefix": "", "role": schedRole,
			"policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": []any{fnArn}},
			}}),
		}},
		{module: "module.scheduler", mode: "managed", typ: "aws_scheduler_schedule", name: "this", index: "dispatch-due-messages", values: map[string]any{
			"arn":                          "arn:aws:scheduler:us-east-2:" + account + ":schedule/default/ruk-scheduler-dev-dispatch-due-messages",
			"id":                           "default/ruk-scheduler-dev-dispatch-due-messages",
			"name":                         "ruk-scheduler-dev-dispatch-due-messages",
			"name_prefix":                  "",
			"group_name":                   "default",
			"description":                  "Invokes message-hub-dispatch on rate(15 minutes)",
			"schedule_expression":          "rate(15 minutes)",
			"schedule_expression_timezone": "UTC",
			"state":                        "ENABLED",
			"start_date":                   "",
			"end_date":                     "",
			"kms_key_arn":                  "",
			"flexible_time_window":         []any{map[string]any{"mode": "OFF", "maximum_window_in_minutes": 0}},
			"target": []any{map[string]any{
				"arn": fnArn, "role_arn": schedRoleArn, "input": `{"job":"dispatch-due"}`,
				"retry_policy":       []any{map[string]any{"maximum_event_age_in_seconds": 3600, "maximum_retry_attempts": 2}},
				"dead_letter_config": []any{}, "ecs_parameters": []any{}, "eventbridge_parameters": []any{},
				"kinesis_parameters": []any{}, "sagemaker_pipeline_parameters": []any{}, "sqs_parameters": []any{},
			}},
		}},
		{module: "module.github_oidc", mode: "managed", typ: "aws_iam_role", name: "github_actions", values: withTags(map[string]any{
			"arn": "arn:aws:iam::" + account + ":role/" + ghRole, "id": ghRole, "name": ghRole, "name_prefix": "", "path": "/",
			"unique_id": "AROAWEXAMPLE0GITHUB", "max_session_duration": 3600, "force_detach_policies": false,
			"description": "Infrastructure CI (plan and apply) of ruk-scheduler-dev from repo:FractalLabsDev/talkwise-infra:environment:dev",
			"assume_role_policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Federated": "arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com"},
				"Action": "sts:AssumeRoleWithWebIdentity",
				"Condition": map[string]any{"StringEquals": map[string]any{
					"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
					"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/talkwise-infra:environment:dev"}}}}}),
			"managed_policy_arns": []any{}, "permissions_boundary": "", "create_date": "2026-01-14T10:21:58Z",
		}, p, e, nil)},
		{module: "module.github_oidc", mode: "managed", typ: "aws_iam_role_policy", name: "github_actions", values: map[string]any{
			"id": ghRole + ":" + ghRole, "name": ghRole, "name_prefix": "", "role": ghRole,
			"policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "arn:aws:lambda:us-east-2:" + account + ":function:ruk-scheduler-dev-*"},
			}}),
		}},
		{module: "module.ssm", mode: "data", typ: "aws_ssm_parameter", name: "this", index: "message-hub-url", values: map[string]any{
			"arn": "arn:aws:ssm:us-east-2:" + account + ":parameter/ruk-scheduler/dev/message-hub-url",
			"id":  "/ruk-scheduler/dev/message-hub-url", "name": "/ruk-scheduler/dev/message-hub-url",
			"type": "String", "value": "https://hub.dev.example.com", "insecure_value": "https://hub.dev.example.com",
			"version": 3, "with_decryption": true,
		}},
		{mode: "data", typ: "aws_caller_identity", name: "current", values: map[string]any{
			"account_id": account, "arn": "arn:aws:iam::" + account + ":user/deployer", "id": account, "user_id": "AIDAEXAMPLE",
		}},
	}
}
