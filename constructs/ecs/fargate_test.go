package ecs

import (
	"strings"
	"testing"
)

func TestValidateFargateSize(t *testing.T) {
	tests := []struct {
		cpu, mem int
		want     string // "" when valid
	}{
		{256, 512, ""}, {256, 1024, ""}, {256, 2048, ""},
		{256, 1536, "MemoryMB: 1536 MB is not a Fargate memory size for 256 CPU units; with 256 CPU units use 512, 1024 or 2048 MB"},
		{256, 4096, "MemoryMB: 4096 MB is not a Fargate memory size for 256 CPU units"},
		{512, 1024, ""}, {512, 2048, ""}, {512, 4096, ""},
		{512, 512, "MemoryMB: 512 MB is not a Fargate memory size for 512 CPU units; with 512 CPU units use 1024-4096 MB in 1024 MB steps"},
		{512, 1536, "with 512 CPU units use 1024-4096 MB in 1024 MB steps"},
		{512, 5120, "5120 MB is not a Fargate memory size for 512 CPU units"},
		{1024, 2048, ""}, {1024, 8192, ""}, {1024, 1024, "with 1024 CPU units use 2048-8192 MB"},
		{2048, 4096, ""}, {2048, 16384, ""}, {2048, 17408, "with 2048 CPU units use 4096-16384 MB"},
		{4096, 8192, ""}, {4096, 30720, ""}, {4096, 31744, "with 4096 CPU units use 8192-30720 MB"},
		{8192, 16384, ""}, {8192, 20480, ""}, {8192, 61440, ""}, {8192, 17408, "in 4096 MB steps"},
		{16384, 32768, ""}, {16384, 122880, ""}, {16384, 36864, "in 8192 MB steps"},
		{500, 1024, "CPU: 500 CPU units is not a Fargate task size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units"},
		{0, 0, "CPU: 0 CPU units is not a Fargate task size"},
	}
	for _, tt := range tests {
		err := ValidateFargateSize(tt.cpu, tt.mem)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%d/%d: %v", tt.cpu, tt.mem, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%d/%d: error = %v, want %q", tt.cpu, tt.mem, err, tt.want)
		}
	}
}
