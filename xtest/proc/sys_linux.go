package proc

import "syscall"

// sysProcAttr kills a child when the test binary dies (a panic, a timeout, ^C), so that no
// bot or redis-server outlives the tests that started it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
