//go:build !linux

package bench

import "syscall"

// childAttr: elsewhere than Linux, the bench stops its children itself.
func childAttr() *syscall.SysProcAttr { return nil }
