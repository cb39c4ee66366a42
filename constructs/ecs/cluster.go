// Package ecs runs a container on Fargate: the cluster, the task definition
// with its execution and task roles and log group, the service behind a
// load balancer, and its autoscaling.
package ecs

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/ecscluster"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
)

// ClusterProps configure a Cluster. There is nothing to choose yet: the
// name comes from the stack and Container Insights is always on.
type ClusterProps struct{}

// Cluster is an ECS cluster named "<project>-<env>-cluster" with Container
// Insights enabled (per-task CPU, memory and network metrics).
type Cluster struct {
	constructs.Construct
	Resource ecscluster.EcsCluster
	name     string
}

// NewCluster creates the cluster.
func NewCluster(scope constructs.Construct, id string, props *ClusterProps) *Cluster {
	c := constructs.NewConstruct(scope, jsii.String(id))
	name := ClusterName(stack.Of(scope).Names)
	cl := ecscluster.NewEcsCluster(c, jsii.String("Resource"), &ecscluster.EcsClusterConfig{
		Name: jsii.String(name),
		Setting: []*ecscluster.EcsClusterSetting{{
			Name: jsii.String("containerInsights"), Value: jsii.String("enabled"),
		}},
	})
	return &Cluster{Construct: c, Resource: cl, name: name}
}

// ClusterName is "<project>-<env>-cluster", the name the spec's
// `aws ecs update-service --cluster` uses.
func ClusterName(n core.Names) string { return n.Resource("cluster") }

// Name is the cluster's name.
func (c *Cluster) Name() string { return c.name }

// Arn is the cluster's ARN.
func (c *Cluster) Arn() *string { return c.Resource.Arn() }
