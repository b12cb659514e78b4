"""Interrupting a running cell, by interrupt_request on control and by SIGINT: the cell stops
within a second or two with KeyboardInterrupt, the kernel survives, the session keeps its state."""
import signal
import time

INTERRUPT_DEADLINE = 2.5  # seconds from the interrupt to the execute_reply


def start_long_cell(kernel):
    kernel.execute("let kept = 7")
    kernel.flush_iopub()
    msg_id = kernel.kc.execute("sleep(seconds: 30)")
    kernel.wait_for_iopub(msg_id, "execute_input")
    time.sleep(0.3)  # let the cell get into its wait
    return msg_id


def assert_interrupted_and_usable(kernel, msg_id, started):
    reply = kernel.reply_to(msg_id, timeout=10)
    elapsed = time.monotonic() - started
    assert elapsed < INTERRUPT_DEADLINE, f"reply {elapsed:.2f} s after the interrupt"
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    outputs = kernel.outputs_of(msg_id)
    assert [m["msg_type"] for m in outputs] == ["error"]
    assert kernel.km.is_alive()
    after, after_outputs = kernel.execute('print("after")\nkept', timeout=10)
    assert after["content"]["status"] == "ok"
    assert any(m["msg_type"] == "stream" and m["content"]["text"] == "after\n" for m in after_outputs)
    assert any(m["msg_type"] == "execute_result" and m["content"]["data"]["text/plain"] == "7" for m in after_outputs)


def test_interrupt_request_on_control_stops_sleep(kernel):
    msg_id = start_long_cell(kernel)
    started = time.monotonic()
    kernel.kc.control_channel.send(kernel.kc.session.msg("interrupt_request", {}))
    # KernelManager.interrupt_kernel() does the same for interrupt_mode "message"; sent by hand
    # here to see the interrupt_reply arrive while the cell is still running.
    control_reply = kernel.kc.get_control_msg(timeout=2)
    assert control_reply["msg_type"] == "interrupt_reply"
    assert control_reply["content"]["status"] == "ok"
    assert_interrupted_and_usable(kernel, msg_id, started)


def test_kernel_manager_interrupt_uses_message_mode(kernel):
    assert kernel.km.kernel_spec.interrupt_mode == "message"
    msg_id = start_long_cell(kernel)
    started = time.monotonic()
    kernel.km.interrupt_kernel()
    assert_interrupted_and_usable(kernel, msg_id, started)


def test_sigint_stops_sleep_and_does_not_kill(kernel):
    msg_id = start_long_cell(kernel)
    started = time.monotonic()
    kernel.km.signal_kernel(signal.SIGINT)
    assert_interrupted_and_usable(kernel, msg_id, started)
    assert "SIGINT" in kernel.stderr


def test_sigint_while_idle_is_harmless(kernel):
    kernel.km.signal_kernel(signal.SIGINT)
    time.sleep(0.2)
    reply, outputs = kernel.execute('print("still here")')
    assert reply["content"]["status"] == "ok"
    assert [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"] == ["still here\n"]
