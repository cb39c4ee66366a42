package networking

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseCIDR(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"10.0.0.0/16", ""},
		{"10.0.32.0/20", ""},
		{"10.0.1.0/16", `"10.0.1.0/16" has host bits set; use 10.0.0.0/16`},
		{"10.0.0.0", `"10.0.0.0" is not a CIDR block`},
		{"10.0.0.0/33", `"10.0.0.0/33" is not a CIDR block`},
		{"300.0.0.0/16", `"300.0.0.0/16" is not a CIDR block`},
		{"fd00::/64", `"fd00::/64" is not IPv4`},
		{"", `"" is not a CIDR block`},
	}
	for _, tt := range tests {
		_, err := ParseCIDR("CIDR", tt.in)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("ParseCIDR(%q) = %v, want no error", tt.in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "CIDR: ") {
			t.Errorf("ParseCIDR(%q) error = %v, want it to name CIDR and contain %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestSplit(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	tests := []struct {
		bits, offset, count int
		want                string
		wantErr             bool
	}{
		// Terraform: cidrsubnet("10.0.0.0/16", 4, 0..3).
		{20, 0, 2, "10.0.0.0/20 10.0.16.0/20", false},
		{20, 2, 2, "10.0.32.0/20 10.0.48.0/20", false},
		{20, 15, 1, "10.0.240.0/20", false},
		{24, 3, 1, "10.0.3.0/24", false},
		{16, 0, 1, "10.0.0.0/16", false},
		{20, 15, 2, "", true}, // only 16 /20 blocks in a /16
		{8, 0, 1, "", true},   // larger than the parent
		{33, 0, 1, "", true},
	}
	for _, tt := range tests {
		got, err := Split(vpc, tt.bits, tt.offset, tt.count)
		if (err != nil) != tt.wantErr {
			t.Errorf("Split(/%d, %d, %d) error = %v, wantErr %v", tt.bits, tt.offset, tt.count, err, tt.wantErr)
			continue
		}
		if s := strings.Join(prefixStrings(got), " "); !tt.wantErr && s != tt.want {
			t.Errorf("Split(/%d, %d, %d) = %s, want %s", tt.bits, tt.offset, tt.count, s, tt.want)
		}
	}
}

func TestCheckLayout(t *testing.T) {
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	b := func(field, s string) Block { return Block{Field: field, Prefix: netip.MustParsePrefix(s)} }
	tests := []struct {
		name    string
		blocks  []Block
		wantErr string
	}{
		{"spec layout", []Block{b("a", "10.0.0.0/20"), b("b", "10.0.16.0/20"), b("c", "10.0.32.0/20"), b("d", "10.0.48.0/20")}, ""},
		{"same block twice", []Block{b("Public[0]", "10.0.0.0/20"), b("Private[0]", "10.0.0.0/20")},
			"Private[0]: 10.0.0.0/20 overlaps 10.0.0.0/20 (Public[0]); give every subnet its own block"},
		{"nested", []Block{b("Public[0]", "10.0.0.0/20"), b("Private[1]", "10.0.8.0/24")},
			"Private[1]: 10.0.8.0/24 overlaps 10.0.0.0/20 (Public[0])"},
		{"outside the VPC", []Block{b("Public[1]", "10.1.0.0/20")},
			"Public[1]: 10.1.0.0/20 is outside the VPC; choose a block inside 10.0.0.0/16 (CIDR)"},
		{"wider than the VPC", []Block{b("Public[0]", "10.0.0.0/8")}, "Public[0]: 10.0.0.0/8 is outside the VPC"},
	}
	for _, tt := range tests {
		err := CheckLayout("CIDR", vpc, tt.blocks)
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestValidatePort(t *testing.T) {
	for port, ok := range map[int]bool{0: false, 1: true, 3000: true, 65535: true, 65536: false, -1: false} {
		err := ValidatePort("ContainerPort", port)
		if (err == nil) != ok {
			t.Errorf("ValidatePort(%d) = %v, want ok=%v", port, err, ok)
		}
		if err != nil && !strings.Contains(err.Error(), "ContainerPort: port") {
			t.Errorf("ValidatePort(%d) = %v, want it to name ContainerPort", port, err)
		}
	}
}
