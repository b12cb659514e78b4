""""Run All" must stop at the first error: every execute_request sent before the client could
have seen the error reply is aborted, and one sent after it runs (issue 13, part 6)."""
from conftest import receive

TRIALS = 50


def test_a_request_sent_back_to_back_with_a_failing_one_is_aborted_every_time(kernel):
    """The second of two requests sent at once is still on the wire when a NameError (which fails
    in microseconds) is answered; it must be aborted anyway. The third is sent only once the client
    holds the error reply, and must run."""
    kernel.flush_iopub()
    aborted, ran_after = 0, 0
    outcomes = []
    for trial in range(TRIALS):
        failing = kernel.kc.execute(f"undefined_{trial}")
        second = kernel.kc.execute(f"let ran_{trial} = 1")
        first = kernel.reply_to(failing, timeout=10)
        assert first["content"]["ename"] == "NameError"
        after = kernel.kc.execute(f'print("after {trial}")')
        second_reply = kernel.reply_to(second, timeout=10)["content"]
        after_reply = kernel.reply_to(after, timeout=10)["content"]
        aborted += second_reply["status"] == "error" and second_reply.get("ename") == "ExecutionAborted"
        ran_after += after_reply["status"] == "ok"
        outcomes.append((second_reply["status"], after_reply["status"]))
    assert (aborted, ran_after) == (TRIALS, TRIALS), (
        f"{aborted} of {TRIALS} back-to-back requests aborted, {ran_after} of {TRIALS} later requests ran: "
        f"{outcomes}")
    # The aborted bindings never happened.
    reply, _ = kernel.execute("ran_0")
    assert reply["content"]["ename"] == "NameError"


def test_a_request_sent_after_the_error_reply_runs_even_right_away(kernel):
    """A client that reacts to the error at once (a script, nbclient) is not aborted."""
    for trial in range(10):
        assert kernel.execute(f"undefined_{trial}")[0]["content"]["status"] == "error"
        reply, outputs = kernel.execute(f'print("ran {trial}")')
        assert reply["content"]["status"] == "ok", reply["content"]
        assert [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"] == [f"ran {trial}\n"]


def test_a_request_dated_before_the_error_but_arriving_late_is_aborted(kernel):
    """What the header date is for: a request the client made before the error reply existed is
    aborted even when it is not yet queued as the reply leaves."""
    shell = kernel.raw_socket("shell")
    _, signature, parts = kernel.frames("execute_request", {"code": 'print("stale")', "silent": False,
                                                            "store_history": True})
    # Made now, sent after a failing cell has been answered.
    assert kernel.execute("undefined_name")[0]["content"]["status"] == "error"
    shell.send_multipart([b"<IDS|MSG>", signature] + parts)
    replies = receive(shell, 1.0)
    assert len(replies) == 1
    assert b'"ExecutionAborted"' in replies[0][-1]
