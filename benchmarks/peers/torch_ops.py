"""PyTorch CPU as a peer: times the matmul and conv1d cases of benchmarks/peers/cases.ts.

Usage: python torch_ops.py CASES_JSON TIMING_JSON [THREADS]
Prints one JSON line last: {"peer": "torch-cpu", "notes": [...], "results": [{"name", "medianMs"}, ...]},
the PeerOutput of benchmarks/peers/cases.ts. Timing mirrors benchmarks/harness.ts: warm-up runs, a batch
sized to last about targetMs, the median of `repeats` batches (CPU ops are synchronous: no wait, no sleep).
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def out_length(c):
    return (c["length"] + 2 * c["padding"] - (c["kernelSize"] - 1) - 1) // c["stride"] + 1


def runner(c):
    """A function doing one run of case c."""
    rand = lambda *shape: torch.rand(*shape) * 2 - 1
    if c["kind"] == "matmul":
        a = rand(c["m"], c["k"])
        if c["transposeB"]:
            w = rand(c["n"], c["k"])
            bias = rand(c["n"]) if c["bias"] else None
            return lambda: F.linear(a, w, bias)
        b = rand(c["k"], c["n"])
        return lambda: a @ b
    x = rand(c["batch"], c["inChannels"], c["length"])
    w = rand(c["outChannels"], c["inChannels"], c["kernelSize"])
    dy = rand(c["batch"], c["outChannels"], out_length(c))
    stride, padding = [c["stride"]], [c["padding"]]
    if c["direction"] == "forward":
        return lambda: F.conv1d(x, w, None, stride, padding)
    mask = [True, False, False] if c["direction"] == "grad_input" else [False, True, False]
    return lambda: torch.ops.aten.convolution_backward(dy, x, w, None, stride, padding, [1], False, [0], 1, mask)


def time_runs(run, timing):
    with torch.no_grad():
        estimate = float("inf")
        for _ in range(timing.get("warmup", 1)):
            start = time.perf_counter()
            run()
            estimate = min(estimate, (time.perf_counter() - start) * 1e3)
        batch = timing.get("batch", 1)
        if batch == "auto":
            batch = max(1, min(64, round(timing.get("targetMs", 100) / max(estimate, 0.01))))
        samples = []
        for _ in range(timing.get("repeats", 1)):
            start = time.perf_counter()
            for _ in range(batch):
                run()
            samples.append((time.perf_counter() - start) * 1e3 / batch)
        return statistics.median(samples)


def main():
    cases = json.loads(sys.argv[1])
    timing = json.loads(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else torch.get_num_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    notes = [f"PyTorch {torch.__version__} CPU, {torch.get_num_threads()} threads, {torch.backends.cpu.get_cpu_capability()}"]
    results = []
    for c in cases:
        try:
            ms = time_runs(runner(c), timing)
            results.append({"name": c["name"], "medianMs": ms})
            print(f"torch {c['name']}: {ms:.3f} ms", file=sys.stderr)
        except Exception as error:  # a case the peer cannot run is reported, not fatal
            results.append({"name": c["name"], "skipped": str(error).splitlines()[0][:200]})
    print(json.dumps({"peer": "torch-cpu", "notes": notes, "results": results}))


if __name__ == "__main__":
    main()
