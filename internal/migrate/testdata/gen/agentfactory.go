package main

import "fmt"

// agentFactory is agent-factory as the HCL modules deployed it: networking
// (counted subnets, NAT gateways and private route tables; for_each
// security group rules), ecr, ecs (counted autoscaling), alb (for_each
// target groups), codedeploy, waf (a counted module, production only),
// secrets (for_each) and github_oidc (the account's provider read as a data
// source). Names, CIDRs and settings are the design the stack synthesizes:
// dev has one NAT gateway and no WAF or autoscaling; production has a NAT
// gateway per AZ, WAF and 1-4 tasks.
func agentFactory(env string) []res {
	const p = "agent-factory"
	prefix := p + "-" + env
	n := 1 // distinguishes the two environments' AWS IDs
	nats := 1
	if env == "production" {
		n, nats = 2, 2
	}
	id := func(kind string, i int) string { return fmt.Sprintf("%s-0%d%015x", kind, n, 0xa11ce0+i) }
	arn := func(service, rest string) string {
		return "arn:aws:" + service + ":" + region + ":" + account + ":" + rest
	}
	iamArn := func(rest string) string { return "arn:aws:iam::" + account + ":" + rest }
	t := func(v map[string]any, name string) map[string]any {
		var own map[string]any
		if name != "" {
			own = map[string]any{"Name": name}
		}
		return withTags(v, p, env, own)
	}
	azs := []string{"us-east-2a", "us-east-2b"}
	vpcID := id("vpc", 0)
	igwID := id("igw", 0)
	publicRT := id("rtb", 0)
	var out []res
	add := func(module, typ, name string, index any, values map[string]any) {
		out = append(out, res{module: module, mode: "managed", typ: typ, name: name, index: index, values: values})
	}
	data := func(module, typ, name string, values map[string]any) {
		out = append(out, res{module: module, mode: "data", typ: typ, name: name, values: values})
	}
	role := func(module, name, roleName, description, service string) string {
		roleArn := iamArn("role/" + roleName)
		add(module, "aws_iam_role", name, nil, t(map[string]any{
			"arn": roleArn, "id": roleName, "name": roleName, "name_prefix": "", "path": "/", "description": description,
			"unique_id": fmt.Sprintf("AROA%d%s", n, name), "max_session_duration": 3600, "force_detach_policies": false,
			"assume_role_policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": service}, "Action": "sts:AssumeRole"}}}),
			"managed_policy_arns": []any{}, "permissions_boundary": "", "create_date": "2025-11-03T09:12:44Z",
		}, ""))
		return roleArn
	}
	inline := func(module, name, roleName string, statements ...any) {
		add(module, "aws_iam_role_policy", name, nil, map[string]any{
			"id": roleName + ":" + roleName, "name": roleName, "name_prefix": "", "role": roleName,
			"policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": statements}),
		})
	}

	// module.networking
	const net = "module.networking"
	add(net, "aws_vpc", "this", nil, t(map[string]any{
		"id": vpcID, "arn": arn("ec2", "vpc/"+vpcID), "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true,
		"enable_dns_support": true, "instance_tenancy": "default", "main_route_table_id": id("rtb", 9),
		"default_security_group_id": id("sg", 9), "default_network_acl_id": id("acl", 9), "owner_id": account,
		"assign_generated_ipv6_cidr_block": false, "ipv6_cidr_block": "",
	}, prefix+"-vpc"))
	add(net, "aws_internet_gateway", "this", nil, t(map[string]any{
		"id": igwID, "arn": arn("ec2", "internet-gateway/"+igwID), "vpc_id": vpcID, "owner_id": account,
	}, prefix+"-igw"))
	publicCIDRs := []string{"10.0.0.0/20", "10.0.16.0/20"}
	privateCIDRs := []string{"10.0.32.0/20", "10.0.48.0/20"}
	for i, az := range azs {
		sid := id("subnet", i)
		add(net, "aws_subnet", "public", i, t(map[string]any{
			"id": sid, "arn": arn("ec2", "subnet/"+sid), "vpc_id": vpcID, "cidr_block": publicCIDRs[i],
			"availability_zone": az, "map_public_ip_on_launch": true, "owner_id": account,
		}, prefix+"-public-"+az))
		add(net, "aws_route_table_association", "public", i, map[string]any{
			"id": id("rtbassoc", i), "subnet_id": sid, "route_table_id": publicRT, "gateway_id": "",
		})
	}
	add(net, "aws_route_table", "public", nil, t(map[string]any{
		"id": publicRT, "arn": arn("ec2", "route-table/"+publicRT), "vpc_id": vpcID, "owner_id": account,
		"route": []any{map[string]any{"cidr_block": "0.0.0.0/0", "gateway_id": igwID}}, "propagating_vgws": []any{},
	}, prefix+"-public"))
	add(net, "aws_route", "public_internet", nil, map[string]any{
		"id": "r-" + publicRT + "1080289494", "route_table_id": publicRT, "destination_cidr_block": "0.0.0.0/0",
		"destination_ipv6_cidr_block": "", "destination_prefix_list_id": "", "gateway_id": igwID, "nat_gateway_id": "",
		"origin": "CreateRoute", "state": "active",
	})
	natIDs := make([]string, nats)
	for i := 0; i < nats; i++ {
		alloc := id("eipalloc", i)
		add(net, "aws_eip", "nat", i, t(map[string]any{
			"id": alloc, "allocation_id": alloc, "arn": arn("ec2", "elastic-ip/"+alloc), "domain": "vpc",
			"public_ip": fmt.Sprintf("3.14.%d.%d", n, 10+i), "association_id": id("eipassoc", i), "network_border_group": region,
		}, prefix+"-nat-"+azs[i]))
		natIDs[i] = id("nat", i)
		add(net, "aws_nat_gateway", "this", i, t(map[string]any{
			"id": natIDs[i], "allocation_id": alloc, "subnet_id": id("subnet", i), "connectivity_type": "public",
			"private_ip": fmt.Sprintf("10.0.%d.%d", 16*i, 100+i), "public_ip": fmt.Sprintf("3.14.%d.%d", n, 10+i),
		}, prefix+"-nat-"+azs[i]))
	}
	for i, az := range azs {
		sid := id("subnet", 10+i)
		rt := id("rtb", 10+i)
		nat := natIDs[min(i, nats-1)]
		add(net, "aws_subnet", "private", i, t(map[string]any{
			"id": sid, "arn": arn("ec2", "subnet/"+sid), "vpc_id": vpcID, "cidr_block": privateCIDRs[i],
			"availability_zone": az, "map_public_ip_on_launch": false, "owner_id": account,
		}, prefix+"-private-"+az))
		add(net, "aws_route_table", "private", i, t(map[string]any{
			"id": rt, "arn": arn("ec2", "route-table/"+rt), "vpc_id": vpcID, "owner_id": account,
			"route": []any{map[string]any{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat}}, "propagating_vgws": []any{},
		}, prefix+"-private-"+az))
		add(net, "aws_route", "private_nat", i, map[string]any{
			"id": "r-" + rt + "1080289494", "route_table_id": rt, "destination_cidr_block": "0.0.0.0/0",
			"destination_ipv6_cidr_block": "", "destination_prefix_list_id": "", "gateway_id": "", "nat_gateway_id": nat,
			"origin": "CreateRoute", "state": "active",
		})
		add(net, "aws_route_table_association", "private", i, map[string]any{
			"id": id("rtbassoc", 10+i), "subnet_id": sid, "route_table_id": rt, "gateway_id": "",
		})
	}
	s3ep := id("vpce", 0)
	add(net, "aws_vpc_endpoint", "s3", nil, t(map[string]any{
		"id": s3ep, "arn": arn("ec2", "vpc-endpoint/"+s3ep), "vpc_id": vpcID, "service_name": "com.amazonaws.us-east-2.s3",
		"vpc_endpoint_type": "Gateway", "route_table_ids": []any{id("rtb", 11), id("rtb", 10)}, "state": "available",
		"policy": "{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}],\"Version\":\"2008-10-17\"}",
	}, prefix+"-s3"))
	albSG, ecsSG := id("sg", 0), id("sg", 1)
	for _, sg := range []struct{ name, id, suffix, desc string }{
		{"alb", albSG, "alb", "Load balancer of " + prefix + ": HTTP and HTTPS from anywhere"},
		{"ecs", ecsSG, "ecs", "ECS tasks of " + prefix + ": container port from the load balancer only"},
	} {
		add(net, "aws_security_group", sg.name, nil, t(map[string]any{
			"id": sg.id, "arn": arn("ec2", "security-group/"+sg.id), "name": prefix + "-" + sg.suffix, "name_prefix": "",
			"description": sg.desc, "vpc_id": vpcID, "owner_id": account, "revoke_rules_on_delete": false,
			"ingress": []any{}, "egress": []any{},
		}, prefix+"-"+sg.suffix))
	}
	rule := func(name string, key any, sg string, v map[string]any) {
		ruleID := id("sgr", len(out))
		v["id"], v["security_group_rule_id"], v["security_group_id"] = ruleID, ruleID, sg
		v["arn"] = arn("ec2", "security-group-rule/"+ruleID)
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"} {
			if _, ok := v[k]; !ok {
				v[k] = nil
			}
		}
		typ := "aws_vpc_security_group_ingress_rule"
		if name == "egress" || name == "alb_egress" || name == "ecs_egress" {
			typ = "aws_vpc_security_group_egress_rule"
		}
		add(net, typ, name, key, withTags(v, p, env, nil))
	}
	rule("alb_ingress", "http", albSG, map[string]any{"ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "0.0.0.0/0",
		"description": "HTTP from anywhere (redirected to HTTPS when a certificate is set)"})
	rule("alb_ingress", "https", albSG, map[string]any{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0",
		"description": "HTTPS from anywhere"})
	rule("alb_egress", nil, albSG, map[string]any{"ip_protocol": "tcp", "from_port": 3000, "to_port": 3000, "referenced_security_group_id": ecsSG,
		"description": "Traffic and health checks to the tasks' container port only"})
	rule("ecs_ingress", nil, ecsSG, map[string]any{"ip_protocol": "tcp", "from_port": 3000, "to_port": 3000, "referenced_security_group_id": albSG,
		"description": "Container port from the load balancer only"})
	rule("ecs_egress", nil, ecsSG, map[string]any{"ip_protocol": "-1", "from_port": nil, "to_port": nil, "cidr_ipv4": "0.0.0.0/0",
		"description": "All outbound: image pulls, secrets, logs and the APIs the service calls"})
	flowGroup := "/aws/vpc/flow-logs/" + prefix
	flowGroupArn := arn("logs", "log-group:"+flowGroup)
	add(net, "aws_cloudwatch_log_group", "flow_logs", nil, t(map[string]any{
		"id": flowGroup, "arn": flowGroupArn, "name": flowGroup, "name_prefix": "", "retention_in_days": retention(env),
		"kms_key_id": "", "log_group_class": "STANDARD", "skip_destroy": false,
	}, ""))
	flowRole := role(net, "flow_logs", prefix+"-vpc-flow-logs", "Delivers VPC flow logs of "+prefix+" to CloudWatch Logs", "vpc-flow-logs.amazonaws.com")
	inline(net, "flow_logs", prefix+"-vpc-flow-logs", map[string]any{"Effect": "Allow",
		"Action": []any{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, "Resource": flowGroupArn + ":*"})
	add(net, "aws_flow_log", "this", nil, t(map[string]any{
		"id": id("fl", 0), "arn": arn("ec2", "vpc-flow-log/"+id("fl", 0)), "vpc_id": vpcID, "traffic_type": "ALL",
		"log_destination": flowGroupArn, "log_destination_type": "cloud-watch-logs", "iam_role_arn": flowRole,
		"max_aggregation_interval": 60, "log_format": "",
	}, prefix+"-vpc"))

	// module.ecr
	repo := prefix + "-api"
	repoURL := account + ".dkr.ecr.us-east-2.amazonaws.com/" + repo
	add("module.ecr", "aws_ecr_repository", "this", nil, t(map[string]any{
		"id": repo, "name": repo, "arn": arn("ecr", "repository/"+repo), "registry_id": account, "repository_url": repoURL,
		"image_tag_mutability": "MUTABLE", "force_delete": false,
		"image_scanning_configuration": []any{map[string]any{"scan_on_push": true}},
		"encryption_configuration":     []any{map[string]any{"encryption_type": "AES256", "kms_key": ""}},
	}, ""))
	add("module.ecr", "aws_ecr_lifecycle_policy", "this", nil, map[string]any{
		"id": repo, "repository": repo, "registry_id": account,
		"policy": `{"rules":[{"rulePriority":1,"description":"Expire untagged images","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}`,
	})

	// module.secrets
	secretArn := map[string]string{}
	for i, key := range []string{"anthropic-api-key", "github-access-token"} {
		name := p + "/" + env + "/" + key
		secretArn[key] = arn("secretsmanager", fmt.Sprintf("secret:%s-%c%c%c%c%c%c", name, 'A'+i, 'b', 'C', 'd', 'E', 'f'))
		add("module.secrets", "aws_secretsmanager_secret", "this", key, t(map[string]any{
			"id": secretArn[key], "arn": secretArn[key], "name": name, "name_prefix": "",
			"description": key + " of " + prefix + " (value set out of band)", "kms_key_id": "", "policy": "",
			"recovery_window_in_days": map[string]int{"dev": 7, "production": 30}[env], "force_overwrite_replica_secret": false, "replica": []any{},
		}, ""))
	}

	// module.alb
	lbName := prefix + "-alb"
	lbArn := arn("elasticloadbalancing", "loadbalancer/app/"+lbName+"/5f2c3a9b8d7e6f01")
	add("module.alb", "aws_lb", "this", nil, t(map[string]any{
		"id": lbArn, "arn": lbArn, "arn_suffix": "app/" + lbName + "/5f2c3a9b8d7e6f01", "name": lbName, "name_prefix": "",
		"dns_name": lbName + "-1234567890.us-east-2.elb.amazonaws.com", "zone_id": "Z3AADJGX6KTTL2",
		"internal": false, "load_balancer_type": "application", "drop_invalid_header_fields": true,
		"enable_deletion_protection": env == "production", "security_groups": []any{albSG},
		"subnets": []any{id("subnet", 1), id("subnet", 0)}, "vpc_id": vpcID, "ip_address_type": "ipv4", "idle_timeout": 60,
	}, ""))
	tgArn := map[string]string{}
	for i, color := range []string{"blue", "green"} {
		name := prefix + "-" + color
		tgArn[color] = arn("elasticloadbalancing", fmt.Sprintf("targetgroup/%s/%016x", name, 0xb100+i))
		add("module.alb", "aws_lb_target_group", "this", color, t(map[string]any{
			"id": tgArn[color], "arn": tgArn[color], "name": name, "name_prefix": "", "port": 3000, "protocol": "HTTP",
			"protocol_version": "HTTP1", "target_type": "ip", "vpc_id": vpcID, "deregistration_delay": "300",
			"health_check": []any{map[string]any{"enabled": true, "healthy_threshold": 2, "unhealthy_threshold": 3,
				"interval": 30, "matcher": "200", "path": "/health", "port": "traffic-port", "protocol": "HTTP", "timeout": 5}},
		}, ""))
	}
	listenerArn := arn("elasticloadbalancing", "listener/app/"+lbName+"/5f2c3a9b8d7e6f01/0c1d2e3f4a5b6c70")
	add("module.alb", "aws_lb_listener", "http", nil, t(map[string]any{
		"id": listenerArn, "arn": listenerArn, "load_balancer_arn": lbArn, "port": 80, "protocol": "HTTP",
		"ssl_policy": "", "certificate_arn": "",
		"default_action": []any{map[string]any{"type": "forward", "target_group_arn": tgArn["blue"], "order": 1,
			"forward": []any{}, "redirect": []any{}, "fixed_response": []any{}}},
	}, ""))

	// module.ecs
	cluster := prefix + "-cluster"
	clusterArn := arn("ecs", "cluster/"+cluster)
	add("module.ecs", "aws_ecs_cluster", "this", nil, t(map[string]any{
		"id": clusterArn, "arn": clusterArn, "name": cluster,
		"setting": []any{map[string]any{"name": "containerInsights", "value": "enabled"}},
	}, ""))
	logGroup := "/ecs/" + prefix + "-api"
	add("module.ecs", "aws_cloudwatch_log_group", "this", nil, t(map[string]any{
		"id": logGroup, "arn": arn("logs", "log-group:"+logGroup), "name": logGroup, "name_prefix": "",
		"retention_in_days": retention(env), "kms_key_id": "", "log_group_class": "STANDARD", "skip_destroy": false,
	}, ""))
	execRole := role("module.ecs", "execution", prefix+"-api-execution",
		"Starts "+prefix+"-api tasks: pulls the image, reads its secrets, writes its logs", "ecs-tasks.amazonaws.com")
	inline("module.ecs", "execution", prefix+"-api-execution",
		map[string]any{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
		map[string]any{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": []any{secretArn["anthropic-api-key"], secretArn["github-access-token"]}})
	taskRole := role("module.ecs", "task", prefix+"-api-task", "The running "+prefix+"-api container", "ecs-tasks.amazonaws.com")
	inline("module.ecs", "task", prefix+"-api-task",
		map[string]any{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": []any{secretArn["anthropic-api-key"], secretArn["github-access-token"]}})
	family := prefix + "-api"
	tdArn := arn("ecs", "task-definition/"+family+":14")
	add("module.ecs", "aws_ecs_task_definition", "this", nil, t(map[string]any{
		"id": family, "arn": tdArn, "arn_without_revision": arn("ecs", "task-definition/"+family), "family": family, "revision": 14,
		"cpu": "512", "memory": "1024", "network_mode": "awsvpc", "requires_compatibilities": []any{"FARGATE"},
		"execution_role_arn": execRole, "task_role_arn": taskRole, "skip_destroy": false,
		"runtime_platform":      []any{map[string]any{"cpu_architecture": "X86_64", "operating_system_family": "LINUX"}},
		"container_definitions": `[{"name":"api","image":"` + repoURL + `:latest","essential":true,"portMappings":[{"containerPort":3000,"hostPort":3000,"protocol":"tcp"}]}]`,
	}, ""))
	service := prefix + "-api"
	add("module.ecs", "aws_ecs_service", "this", nil, t(map[string]any{
		"id": arn("ecs", "service/"+cluster+"/"+service), "name": service, "cluster": clusterArn,
		"task_definition": tdArn, "desired_count": 1, "launch_type": "FARGATE", "health_check_grace_period_seconds": 60,
		"enable_ecs_managed_tags": true, "propagate_tags": "SERVICE", "platform_version": "LATEST",
		"deployment_controller": []any{map[string]any{"type": "CODE_DEPLOY"}},
		"load_balancer":         []any{map[string]any{"container_name": "api", "container_port": 3000, "target_group_arn": tgArn["blue"], "elb_name": ""}},
		"network_configuration": []any{map[string]any{"assign_public_ip": false, "security_groups": []any{ecsSG},
			"subnets": []any{id("subnet", 11), id("subnet", 10)}}},
	}, ""))
	if env == "production" {
		resourceID := "service/" + cluster + "/" + service
		add("module.ecs", "aws_appautoscaling_target", "this", 0, t(map[string]any{
			"id": resourceID, "arn": arn("application-autoscaling", "scalable-target/0e5a1b2c3d4e"),
			"resource_id": resourceID, "scalable_dimension": "ecs:service:DesiredCount", "service_namespace": "ecs",
			"min_capacity": 1, "max_capacity": 4,
			"role_arn": iamArn("role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService"),
		}, ""))
		for _, metric := range []struct{ name, typ string }{{"cpu", "ECSServiceAverageCPUUtilization"}, {"memory", "ECSServiceAverageMemoryUtilization"}} {
			name := prefix + "-api-" + metric.name
			add("module.ecs", "aws_appautoscaling_policy", metric.name, 0, map[string]any{
				"id": name, "arn": arn("autoscaling", "scalingPolicy:0e5a1b2c:resource/ecs/"+resourceID+":policyName/"+name),
				"name": name, "policy_type": "TargetTrackingScaling", "resource_id": resourceID,
				"scalable_dimension": "ecs:service:DesiredCount", "service_namespace": "ecs",
				"target_tracking_scaling_policy_configuration": []any{map[string]any{"target_value": 70,
					"scale_in_cooldown": 300, "scale_out_cooldown": 60, "disable_scale_in": false,
					"predefined_metric_specification": []any{map[string]any{"predefined_metric_type": metric.typ, "resource_label": ""}}}},
			})
		}
	}

	// module.codedeploy
	app := prefix + "-api"
	add("module.codedeploy", "aws_codedeploy_app", "this", nil, t(map[string]any{
		"id": "3f0a9c1e-0000-4000-8000-00000000000" + fmt.Sprint(n) + ":" + app, "application_id": "3f0a9c1e-0000-4000-8000-00000000000" + fmt.Sprint(n),
		"arn": arn("codedeploy", "application:"+app), "name": app, "compute_platform": "ECS", "linked_to_github": false,
	}, ""))
	cdRole := role("module.codedeploy", "codedeploy", prefix+"-codedeploy", "CodeDeploy blue/green deployments of "+app, "codedeploy.amazonaws.com")
	add("module.codedeploy", "aws_iam_role_policy_attachment", "codedeploy", nil, map[string]any{
		"id": prefix + "-codedeploy-20251103091245000000000001", "role": prefix + "-codedeploy",
		"policy_arn": "arn:aws:iam::aws:policy/AWSCodeDeployRoleForECS",
	})
	add("module.codedeploy", "aws_codedeploy_deployment_group", "this", nil, t(map[string]any{
		"id": "7b1e2d3c-0000-4000-8000-00000000000" + fmt.Sprint(n), "deployment_group_id": "7b1e2d3c-0000-4000-8000-00000000000" + fmt.Sprint(n),
		"arn": arn("codedeploy", "deploymentgroup:"+app+"/"+app), "app_name": app, "deployment_group_name": app,
		"service_role_arn": cdRole, "deployment_config_name": "CodeDeployDefault.ECSAllAtOnce", "compute_platform": "ECS",
		"deployment_style": []any{map[string]any{"deployment_option": "WITH_TRAFFIC_CONTROL", "deployment_type": "BLUE_GREEN"}},
		// The spec's blue/green: traffic shifts as soon as green is ready,
		// rollback on failure, blue terminated 5 minutes after success.
		"auto_rollback_configuration": []any{map[string]any{"enabled": true, "events": []any{"DEPLOYMENT_FAILURE"}}},
		"blue_green_deployment_config": []any{map[string]any{
			"deployment_ready_option":                        []any{map[string]any{"action_on_timeout": "CONTINUE_DEPLOYMENT"}},
			"terminate_blue_instances_on_deployment_success": []any{map[string]any{"action": "TERMINATE", "termination_wait_time_in_minutes": 5}},
		}},
		"ecs_service": []any{map[string]any{"cluster_name": cluster, "service_name": service}},
		"load_balancer_info": []any{map[string]any{"target_group_pair_info": []any{map[string]any{
			"prod_traffic_route": []any{map[string]any{"listener_arns": []any{listenerArn}}},
			"target_group":       []any{map[string]any{"name": prefix + "-blue"}, map[string]any{"name": prefix + "-green"}},
		}}}},
	}, ""))

	// module.waf (count = enable_waf ? 1 : 0)
	if env == "production" {
		acl := prefix + "-waf"
		aclArn := arn("wafv2", "regional/webacl/"+acl+"/9a8b7c6d-0000-4000-8000-000000000002")
		add("module.waf[0]", "aws_wafv2_web_acl", "this", nil, t(map[string]any{
			"id": "9a8b7c6d-0000-4000-8000-000000000002", "arn": aclArn, "name": acl, "scope": "REGIONAL",
			"description": "Protects the load balancer of " + prefix, "capacity": 1019, "lock_token": "0f1e2d3c",
			"default_action":    []any{map[string]any{"allow": []any{map[string]any{}}, "block": []any{}}},
			"visibility_config": []any{map[string]any{"cloudwatch_metrics_enabled": true, "metric_name": acl, "sampled_requests_enabled": true}},
		}, ""))
		add("module.waf[0]", "aws_wafv2_web_acl_association", "this", nil, map[string]any{
			"id": aclArn + "," + lbArn, "resource_arn": lbArn, "web_acl_arn": aclArn,
		})
	}

	// module.github_oidc: the account's provider is read, not created.
	const gh = "module.github_oidc"
	providerArn := iamArn("oidc-provider/token.actions.githubusercontent.com")
	data(gh, "aws_iam_openid_connect_provider", "github", map[string]any{
		"arn": providerArn, "id": providerArn, "url": "token.actions.githubusercontent.com", "client_id_list": []any{"sts.amazonaws.com"},
	})
	ghRole := prefix + "-github-actions"
	add(gh, "aws_iam_role", "github_actions", nil, t(map[string]any{
		"arn": iamArn("role/" + ghRole), "id": ghRole, "name": ghRole, "name_prefix": "", "path": "/",
		"description": "GitHub Actions deploys of " + prefix + " from repo:FractalLabsDev/agent-factory:environment:" + env,
		"unique_id":   fmt.Sprintf("AROA%dGITHUB", n), "max_session_duration": 3600, "force_detach_policies": false,
		"assume_role_policy": policyJSON(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"Federated": providerArn}, "Action": "sts:AssumeRoleWithWebIdentity",
			"Condition": map[string]any{"StringEquals": map[string]any{
				"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
				"token.actions.githubusercontent.com:sub": "repo:FractalLabsDev/agent-factory:environment:" + env}}}}}),
		"managed_policy_arns": []any{}, "permissions_boundary": "", "create_date": "2025-11-03T09:12:44Z",
	}, ""))
	inline(gh, "github_actions", ghRole, map[string]any{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
	data("", "aws_caller_identity", "current", map[string]any{"account_id": account, "id": account})
	return out
}

func retention(env string) int {
	if env == "production" {
		return 90
	}
	return 30
}
