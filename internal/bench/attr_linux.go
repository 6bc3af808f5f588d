package bench

import "syscall"

// childAttr makes the kernel stop a child should the bench die without
// stopping it (killed, or crashed): no server is left behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
