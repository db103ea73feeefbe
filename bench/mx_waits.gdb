# Who makes the Java thread wait for MXNet's engine: a backtrace at every ThreadedEngine::WaitForVar.
# gdb -q -p PID -x bench/mx_waits.gdb -batch | grep -E '^#[1-3] ' | sed 's/ (.*//; s/0x[0-9a-f]* in //' | sort | uniq -c
set pagination off
set print thread-events off
handle SIGSEGV nostop noprint pass
handle SIGBUS nostop noprint pass
handle SIGILL nostop noprint pass
handle SIGFPE nostop noprint pass
handle SIGUSR2 nostop noprint pass
break _ZN5mxnet6engine14ThreadedEngine10WaitForVarEPNS0_3VarE
commands
bt 4
continue
end
continue
