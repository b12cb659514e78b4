"""jupyter_kernel_test with every one of its tests enabled (each is skipped unless its
attribute is set, so all are set)."""
import unittest

import jupyter_kernel_test

from conftest import KERNEL_NAME, require_kernelspec


class BertKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "bert"
    file_extension = ".bert"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'warn("oops")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "sle", "matches": {"sleep"}},
        {"text": "sleep(sec", "matches": {"seconds: "}},
    ]
    complete_code_samples = ['print("hello, world")', "let x = 3", "help()", "x"]
    incomplete_code_samples = ["print(", "let y =", "[1, 2", "/* comment"]
    invalid_code_samples = ["print(1))", ")", "let = 3"]

    code_page_something = "?print"
    code_generate_error = "undefined_name"
    code_execute_result = [
        {"code": "let answer = 42; answer", "result": "42"},
        {"code": '"bert"', "result": '"bert"'},
        {"code": "[1, 2]", "result": "[1, 2]"},
    ]
    code_display_data = [{"code": 'display("shown")', "mime": "text/plain"}]
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "let answer*"
    code_inspect_sample = "print"
    code_clear_output = "clear()"

    @classmethod
    def setUpClass(cls):
        require_kernelspec()
        super().setUpClass()


if __name__ == "__main__":
    unittest.main()
