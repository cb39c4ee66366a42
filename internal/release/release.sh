#!/usr/bin/env bash
# Releases an image of an ECS service project deployed blue/green by
# CodeDeploy (constructs/patterns/ecsservice): the same steps in the service
# repository's deploy workflow and in `make release` by hand.
#
#   release.sh --project <p> --env <dev|production> --tag <image tag>
#              [--build <docker context>] [--ignore-alarms] [--dry-run]
#
#  1. (--build) log in to ECR, build the image and push it as <repo>:<tag>
#  2. check that <repo>:<tag> exists in ECR
#  3. register a revision of the task definition family <p>-<env>-api: the
#     family's latest revision (Terraform's own, or the last release's, which
#     differs from it only in the image) with the new image, every other
#     setting kept
#  4. start a CodeDeploy blue/green deployment of <p>-<env>-api with an
#     AppSpec naming that revision, the container and its port
#  5. wait for it; exit 1 if CodeDeploy stopped or rolled it back (a failed
#     deployment, or one of the service's alarms)
#
# Why not `aws ecs update-service --force-new-deployment` (the HCL
# project's step): a service whose deployment controller is CODE_DEPLOY
# refuses it; only CodeDeploy replaces its tasks.
#
# --dry-run prints every AWS (and docker) command in order, with <...> for
# what an earlier call would return, and calls nothing. --ignore-alarms
# deploys while an alarm is in ALARM (CodeDeploy otherwise refuses to start),
# to ship a fix during an incident; it needs codedeploy:UpdateDeploymentGroup,
# which the CI deploy role does not have.
#
# Needs bash, the AWS CLI v2, jq, and docker with --build. AWS and DOCKER
# name other binaries (tests use stand-ins).
set -euo pipefail

AWS=${AWS:-aws}
DOCKER=${DOCKER:-docker}
REGION=${AWS_REGION:-us-east-2}
CONTAINER=api

usage() {
	echo "usage: $0 --project <p> --env <dev|production> --tag <image tag> [--build <dir>] [--ignore-alarms] [--dry-run]" >&2
	exit 2
}

project="" env="" tag="" build="" dry_run=0 ignore_alarms=0
while [ $# -gt 0 ]; do
	case "$1" in
	--project) project=${2:-}; shift 2 || usage ;;
	--env) env=${2:-}; shift 2 || usage ;;
	--tag) tag=${2:-}; shift 2 || usage ;;
	--build) build=${2:-}; shift 2 || usage ;;
	--dry-run) dry_run=1; shift ;;
	--ignore-alarms) ignore_alarms=1; shift ;;
	*) echo "release: unknown argument $1" >&2; usage ;;
	esac
done
if [ -z "$project" ] || [ -z "$env" ] || [ -z "$tag" ]; then usage; fi
case "$env" in dev | production) ;; *) echo "release: unknown environment '$env': use dev or production" >&2; exit 2 ;; esac
# Docker's rule for tags: the tag goes into the image reference as is.
if ! [[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
	echo "release: '$tag' is not an image tag (letters, digits, _ . -, at most 128, not starting with . or -)" >&2
	exit 2
fi
if [ -n "$build" ] && [ ! -d "$build" ]; then
	echo "release: --build $build is not a folder (the service repository's checkout, holding its Dockerfile)" >&2
	exit 2
fi
if [ "$dry_run" = 0 ] && ! command -v jq >/dev/null; then
	echo "release: jq is required (apt-get install jq)" >&2
	exit 2
fi

# One name for the ECR repository, the task definition family, the ECS
# service and the CodeDeploy application and group (ecsservice).
name="$project-$env-api"

# show prints a command as it would be typed: words with other characters
# than these in single quotes (<...> stands for an earlier call's result).
show() {
	local out="" a q="'"
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=@,+%\<\>-]+$ ]]; then out+="$a "; else out+="'${a//$q/$q\\$q$q}' "; fi
	done
	echo "${out% }"
}

# call runs a command, echoing it first; in a dry run it only prints it and
# answers placeholder (an earlier call's result the later ones name).
call() {
	local placeholder=$1
	shift
	show "$@" >&2
	if [ "$dry_run" = 1 ]; then
		[ -z "$placeholder" ] || echo "$placeholder"
		return 0
	fi
	"$@"
}

# Files the AWS CLI reads (file://); a dry run writes none.
if [ "$dry_run" = 1 ]; then
	work="<tmp>"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

[ "$dry_run" = 1 ] && echo "dry run: the commands a release of $name:$tag would run, in order; nothing is called" >&2

account=$(call "<account>" "$AWS" sts get-caller-identity --query Account --output text)
repository="$account.dkr.ecr.$REGION.amazonaws.com/$name"
image="$repository:$tag"

if [ -n "$build" ]; then
	if [ "$dry_run" = 1 ]; then
		echo "$(show "$AWS" ecr get-login-password --region "$REGION") | $(show "$DOCKER" login --username AWS --password-stdin "${repository%%/*}")" >&2
	else
		show "$AWS" ecr get-login-password --region "$REGION" >&2
		"$AWS" ecr get-login-password --region "$REGION" | "$DOCKER" login --username AWS --password-stdin "${repository%%/*}"
	fi
	call "" "$DOCKER" build --tag "$image" "$build" >&2
	call "" "$DOCKER" push "$image" >&2
fi

digest=$(call "<imageDigest>" "$AWS" ecr batch-get-image --repository-name "$name" --image-ids "imageTag=$tag" \
	--query 'images[0].imageId.imageDigest' --output text --region "$REGION")
if [ -z "$digest" ] || [ "$digest" = None ]; then
	echo "release: $image is not in ECR; push it first, or pass --build <the service's checkout> (make release ... src=<dir>)" >&2
	exit 1
fi

current="$work/current.json"
[ "$dry_run" = 0 ] || current=/dev/null
call "" "$AWS" ecs describe-task-definition --task-definition "$name" --query taskDefinition \
	--output json --region "$REGION" >"$current"
if [ "$dry_run" = 1 ]; then
	echo "# next.json: the described revision with container $CONTAINER's image set to $image, its read-only fields dropped" >&2
	port="<containerPort of $CONTAINER>"
else
	if ! jq -e --arg c "$CONTAINER" 'any(.containerDefinitions[]; .name == $c)' "$work/current.json" >/dev/null; then
		echo "release: task definition $name has no container named $CONTAINER" >&2
		exit 1
	fi
	port=$(jq -r --arg c "$CONTAINER" '.containerDefinitions[] | select(.name == $c) | .portMappings[0].containerPort' "$work/current.json")
	# Keep every setting Terraform gave the family; change only the image.
	# The fields register-task-definition takes, without the ones AWS adds
	# (ARN, revision, status, registeredAt, ...).
	jq --arg c "$CONTAINER" --arg image "$image" '
		.containerDefinitions |= map(if .name == $c then .image = $image else . end)
		| {family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints,
		   requiresCompatibilities, cpu, memory, runtimePlatform, ephemeralStorage, proxyConfiguration, pidMode, ipcMode,
		   inferenceAccelerators}
		| with_entries(select(.value != null))' "$work/current.json" >"$work/next.json"
fi

arn=$(call "<taskDefinitionArn>" "$AWS" ecs register-task-definition --cli-input-json "file://$work/next.json" \
	--query taskDefinition.taskDefinitionArn --output text --region "$REGION")
[ "$dry_run" = 1 ] || echo "registered $arn" >&2

# The AppSpec CodeDeploy's ECS deployments take: which revision to run,
# and which container and port the load balancer sends traffic to.
appspec="version: 0.0
Resources:
  - TargetService:
      Type: AWS::ECS::Service
      Properties:
        TaskDefinition: \"$arn\"
        LoadBalancerInfo:
          ContainerName: \"$CONTAINER\"
          ContainerPort: $port"
if [ "$dry_run" = 1 ]; then
	echo '# revision.json: {"revisionType": "AppSpecContent", "appSpecContent": {"content": <this AppSpec>}}' >&2
	while IFS= read -r line; do echo "#   $line" >&2; done <<<"$appspec"
else
	jq -n --arg content "$appspec" '{revisionType: "AppSpecContent", appSpecContent: {content: $content}}' >"$work/revision.json"
fi

override=()
if [ "$ignore_alarms" = 1 ]; then
	override=(--override-alarm-configuration enabled=false)
fi
description="release of $name:$tag${GITHUB_REPOSITORY:+ from $GITHUB_REPOSITORY}"
id=$(call "<deploymentId>" "$AWS" deploy create-deployment --application-name "$name" --deployment-group-name "$name" \
	--description "$description" --revision "file://$work/revision.json" "${override[@]}" \
	--query deploymentId --output text --region "$REGION")
[ "$dry_run" = 1 ] || echo "started CodeDeploy deployment $id of $image" >&2
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ "$dry_run" = 0 ]; then
	echo "CodeDeploy deployment \`$id\` of \`$image\` ($arn)" >>"$GITHUB_STEP_SUMMARY"
fi

# Polls every 15 s for up to 30 minutes: the deployment, then the wait
# before the old tasks stop, during which an alarm still rolls it back.
if call "" "$AWS" deploy wait deployment-successful --deployment-id "$id" --region "$REGION"; then
	if [ "$dry_run" = 1 ]; then
		echo "# on failure: $(show "$AWS" deploy get-deployment --deployment-id "$id" --region "$REGION" --query 'deploymentInfo.{status: status, error: errorInformation, rollback: rollbackInfo}')" >&2
		exit 0
	fi
	echo "deployment $id succeeded: $name runs $image" >&2
	exit 0
fi
"$AWS" deploy get-deployment --deployment-id "$id" --region "$REGION" \
	--query 'deploymentInfo.{status: status, error: errorInformation, rollback: rollbackInfo}' >&2 || true
echo "release: CodeDeploy deployment $id did not succeed; the service was rolled back to what ran before" >&2
exit 1
