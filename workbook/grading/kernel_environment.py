"""The environment a student's kernel starts with: an allow-list, and nothing else.

The grader's own environment holds what student code must never see: database passwords
(PGPASSWORD, a gradebook URL with its password), cloud keys (AWS_*), the Dask cluster's
TLS settings, an SSH agent. A deny-list would miss the next such name, so the kernel gets
only the variables named here (sandboxed or not: `--sandbox off` scrubs the same way).
"""

import sys
from collections.abc import Mapping
from pathlib import Path

# Passed on as the grader has them: locale, time zone, plotting backend, thread counts,
# GPU selection, and nbgrader's "this is grading" flag (the course's checks read it).
PASSED_ON = frozenset({
    "LANG", "LANGUAGE", "TZ",
    "MPLBACKEND",
    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
    "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER",
    # the NVIDIA container runtime's settings, by name: a prefix would pass NVIDIA_API_KEY on too
    "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES", "NVIDIA_REQUIRE_CUDA", "NVIDIA_DISABLE_REQUIRE",
    "NVIDIA_TF32_OVERRIDE",
    "NBGRADER_EXECUTION",
    "PYTHONUNBUFFERED",
})
PASSED_ON_PREFIXES = ("LC_",)  # LC_ALL, LC_CTYPE, ...: locale names
# Set for every kernel: a home and caches in its private /tmp, a neutral user name.
FIXED = {
    "HOME": "/tmp",
    "USER": "student",
    "LOGNAME": "student",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "IPYTHONDIR": "/tmp/ipython",
}
MNIST_VARIABLE = "WORKBOOK_MNIST"  # workbook/data/locations.py's; set to where the kernel finds the file
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")


def kernel_environment(grader: Mapping[str, str], *, sandboxed: bool, mnist: str | None = None) -> dict[str, str]:
    """The kernel's environment, from the grader's ``grader`` environment.

    ``mnist``: where the kernel finds full MNIST (inside the sandbox), or None. Unsandboxed,
    ipykernel may also watch its parent (JPY_PARENT_PID); in the sandbox that pid means nothing.
    """
    env = {name: value for name, value in grader.items()
           if name in PASSED_ON or name.startswith(PASSED_ON_PREFIXES)}
    env.update(FIXED)
    env["PATH"] = ":".join([str(Path(sys.executable).parent), *SYSTEM_PATH])
    if mnist:
        env[MNIST_VARIABLE] = mnist
    if not sandboxed and "JPY_PARENT_PID" in grader:
        env["JPY_PARENT_PID"] = grader["JPY_PARENT_PID"]
    return env
