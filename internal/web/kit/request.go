package kit

import (
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// apiKey is the message an API client reads for key: one that speaks of
// the API where a page's would not.
func APIKey(key string) string {
	switch key {
	case "errors.page_not_found":
		return "errors.api_not_found"
	case "errors.csrf":
		return "errors.api_cross_origin"
	}
	return key
}

// ClientIP is the address rate limits count: the TCP peer, or — when the
// peer is a trusted reverse proxy — the last address in X-Forwarded-For
// that is not one of the trusted proxies. An IPv6 address counts as its
// /64 network, which one home or one machine holds whole: otherwise a
// single client could take a new address for every try.
func (s *Kit) ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.Cfg.TrustedProxies) == 0 || !s.trusted(host) {
		return limitAddr(host)
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		if !s.trusted(hop) {
			return limitAddr(hop)
		}
	}
	return limitAddr(host)
}

// limitAddr is the part of an address a rate limit counts: an IPv4
// address, or the /64 network of an IPv6 one.
func limitAddr(a string) string {
	ip, err := netip.ParseAddr(a)
	if err != nil || ip.Unmap().Is4() {
		return a
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}

func (s *Kit) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	for _, p := range s.Cfg.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}
