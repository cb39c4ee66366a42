package ecs

import (
	"bytes"
	"encoding/json"
)

// containerDefinition is the subset of ECS's container definition this
// platform sets. A struct, not a map, so the JSON (and with it the task
// definition's diff) has the same field order on every synth.
type containerDefinition struct {
	Name             string           `json:"name"`
	Image            string           `json:"image"`
	Essential        bool             `json:"essential"`
	PortMappings     []portMapping    `json:"portMappings"`
	Environment      []keyValue       `json:"environment"`
	Secrets          []secretRef      `json:"secrets,omitempty"`
	HealthCheck      healthCheck      `json:"healthCheck"`
	LogConfiguration logConfiguration `json:"logConfiguration"`
	// ReadonlyRootFilesystem is Security Hub ECS.5; MountPoints then give
	// the container its writable scratch space.
	ReadonlyRootFilesystem bool         `json:"readonlyRootFilesystem"`
	MountPoints            []mountPoint `json:"mountPoints,omitempty"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"` // awsvpc: must equal containerPort
	Protocol      string `json:"protocol"`
}

type keyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// secretRef injects a Secrets Manager secret as an environment variable at
// task start: the execution role reads it; its value never reaches the task
// definition.
type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type healthCheck struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"` // encoding/json sorts map keys
}

// containerDefinitionsJSON renders the definitions as ECS expects them.
func containerDefinitionsJSON(defs []containerDefinition) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "=>" in the health check readable
	if err := enc.Encode(defs); err != nil {
		panic(err) // plain strings and numbers only
	}
	return string(bytes.TrimRight(buf.Bytes(), "\n"))
}
