package networking

import (
	"fmt"
	"net/netip"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
)

// ParseCIDR parses an IPv4 CIDR block and insists on its canonical form (no
// host bits set), because AWS rejects "10.0.1.0/16" for a VPC or subnet.
func ParseCIDR(field, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, core.Errorf(field, "write an IPv4 block such as 10.0.0.0/16", "%q is not a CIDR block", s)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, core.Errorf(field, "write an IPv4 block such as 10.0.0.0/16", "%q is not IPv4", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, core.Errorf(field, fmt.Sprintf("use %s", p.Masked()), "%q has host bits set", s)
	}
	return p, nil
}

// Split returns count consecutive blocks of length bits inside parent,
// starting at block number offset: Terraform's cidrsubnet(parent,
// bits-parent.Bits(), offset+i) for i in 0..count-1.
func Split(parent netip.Prefix, bits, offset, count int) ([]netip.Prefix, error) {
	if bits < parent.Bits() || bits > 32 {
		return nil, fmt.Errorf("cannot cut /%d blocks out of %s", bits, parent)
	}
	available := 1 << (bits - parent.Bits())
	if offset < 0 || count < 0 || offset+count > available {
		return nil, fmt.Errorf("%s holds %d /%d blocks; blocks %d-%d do not fit", parent, available, bits, offset, offset+count-1)
	}
	base := ipv4ToUint(parent.Addr())
	size := uint32(1) << (32 - bits)
	out := make([]netip.Prefix, count)
	for i := range out {
		out[i] = netip.PrefixFrom(uintToIPv4(base+uint32(offset+i)*size), bits)
	}
	return out, nil
}

// Block is a named CIDR block, for overlap reports.
type Block struct {
	Field  string
	Prefix netip.Prefix
}

// CheckLayout verifies that every block lies inside parent and that no two
// blocks overlap, naming the offending settings.
func CheckLayout(parentField string, parent netip.Prefix, blocks []Block) error {
	for _, b := range blocks {
		if !parent.Contains(b.Prefix.Addr()) || b.Prefix.Bits() < parent.Bits() {
			return core.Errorf(b.Field, fmt.Sprintf("choose a block inside %s (%s)", parent, parentField), "%s is outside the VPC", b.Prefix)
		}
	}
	for i := range blocks {
		for j := i + 1; j < len(blocks); j++ {
			if blocks[i].Prefix.Overlaps(blocks[j].Prefix) {
				return core.Errorf(blocks[j].Field, "give every subnet its own block", "%s overlaps %s (%s)",
					blocks[j].Prefix, blocks[i].Prefix, blocks[i].Field)
			}
		}
	}
	return nil
}

func ipv4ToUint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uintToIPv4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
