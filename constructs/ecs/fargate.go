package ecs

import (
	"fmt"
	"sort"
	"strings"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// memoryRange is the memory Fargate allows with one CPU size: min to max MB
// in steps of step MB.
type memoryRange struct{ min, max, step int }

// fargateSizes are the CPU/memory combinations Fargate accepts for Linux
// tasks (AWS ECS developer guide, "Task CPU and memory").
var fargateSizes = map[int]memoryRange{
	256:   {512, 2048, 512}, // 512, 1024, 2048 (1536 is not listed)
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

// ValidateFargateSize checks a task's CPU units and memory against Fargate's
// allowed pairs, naming the fix.
func ValidateFargateSize(cpu, memoryMB int) error {
	r, ok := fargateSizes[cpu]
	if !ok {
		return core.Errorf("CPU", "use one of "+cpuList()+" CPU units", "%d CPU units is not a Fargate task size", cpu)
	}
	valid := memoryMB >= r.min && memoryMB <= r.max && (memoryMB-r.min)%r.step == 0
	if cpu == 256 && memoryMB == 1536 {
		valid = false
	}
	if !valid {
		return core.Errorf("MemoryMB", fmt.Sprintf("with %d CPU units use %s", cpu, r.describe(cpu)),
			"%d MB is not a Fargate memory size for %d CPU units", memoryMB, cpu)
	}
	return nil
}

func (r memoryRange) describe(cpu int) string {
	if cpu == 256 {
		return "512, 1024 or 2048 MB"
	}
	return fmt.Sprintf("%d-%d MB in %d MB steps", r.min, r.max, r.step)
}

func cpuList() string {
	cpus := make([]int, 0, len(fargateSizes))
	for c := range fargateSizes {
		cpus = append(cpus, c)
	}
	sort.Ints(cpus)
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = fmt.Sprint(c)
	}
	return strings.Join(s, ", ")
}
