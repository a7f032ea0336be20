"""Deliberate breakages of the core: each one must make the test suite fail.

    python tools/breakages.py [INDEX ...]

Copies ``src`` and ``tests`` to a temporary folder, then for each breakage
(all, or the indices given) edits one line there, runs the tests that should
catch it, and prints whether they did and which test failed first.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

#: (module under src/scratchnet, line as it is, line broken, what breaks, tests that must catch it)
BREAKAGES = [
    ('optimizers.py',
     '        yield tuple(a[start:start + block] for a in flat)',
     '        yield tuple(a[start:start + block] for a in flat)\n        return',
     'Adam/RMSprop update only the first block', 'tests/test_fast_paths.py'),
    ('training.py',
     '                idx = order[start:stop]',
     '                idx = np.arange(start, stop)',
     'per-batch gather ignores the shuffle', 'tests/test_fast_paths.py'),
    ('training.py',
     '            self._roll_back(checkpoint)\n',
     '',
     'divergence rollback deleted', 'tests/test_training.py'),
    ('optimizers.py',
     '        step = lr * (1.0 - b1) * root / (1.0 - b1 ** t)',
     '        step = lr * (1.0 - b1) * root / (1.0 - b1 ** (t + 1))',
     'Adam bias correction off by one step', 'tests/test_optimizers.py tests/test_replay.py'),
    ('layers/dense.py',
     '        np.matmul(self._X.T, G, out=self.grads["W"])',
     '        np.matmul(self._X.T, G, out=self.grads["W"])\n        self.grads["W"] *= 0.5',
     'Dense weight gradient halved', 'tests/test_layers.py'),
    ('losses.py',
     '        grad *= self._scale\n        if self._weight is not None:\n            grad *= self._weight[:, None]\n        return grad\n\n\ndef get_loss',
     '        if self._weight is not None:\n            grad *= self._weight[:, None]\n        return grad\n\n\ndef get_loss',
     'cross-entropy gradient not divided by the batch size', 'tests/test_losses.py tests/test_replay.py'),
    ('layers/activations.py',
     '        np.multiply(self._out, self._out, out=dX)',
     '        np.copyto(dX, self._out)',
     'Tanh backward forgets the square', 'tests/test_layers.py'),
    ('layers/dropout.py',
     '        scale *= 1.0 / (1.0 - self.rate)',
     '        scale *= 1.0',
     'dropout not rescaled by 1/(1-p)', 'tests/test_layers.py'),
    ('optimizers.py',
     '            v *= self.momentum\n',
     '',
     'SGD momentum forgets the old velocity', 'tests/test_optimizers.py'),
    ('training.py',
     '            loss_sum += value * (stop - start) if per_sample else value',
     '            loss_sum += value',
     'epoch loss not weighted by batch size', 'tests/test_replay.py'),
    ('inference.py',
     '    for start in range(0, len(X), size):',
     '    for start in range(0, len(X) - size, size):',
     'chunked inference skips the last chunk', 'tests/test_fast_paths.py'),
    ('parameters.py',
     '        self.values[...] = snapshot',
     '        pass',
     'ParameterStore.restore does nothing', 'tests/test_training.py'),
    ('model_state.py',
     '    _restore_rng(model.rng, content["rng"])',
     '    pass',
     'loading forgets the generator state', 'tests/test_serialization.py'),
    ('model_state.py',
     '    model.history.update(_history(content["history"]))',
     '    _history(content["history"])',
     'loading forgets the history', 'tests/test_serialization.py'),
    ('serialization.py',
     '            if array.dtype.str != entry.get("dtype") or _digest(array) != entry.get("sha256"):',
     '            if array.dtype.str != entry.get("dtype"):',
     'array checksums not checked', 'tests/test_serialization.py'),
    ('tasks.py',
     '        return (Z[:, 0] > 0).astype(np.intp)',
     '        return (Z[:, 0] < 0).astype(np.intp)',
     'binary decision inverted', 'tests/test_sequential.py'),
    ('tasks.py',
     '            r2 = np.where(total > 0, 1.0 - resid / total, 0.0)',
     '            r2 = np.where(total > 0, resid / total, 0.0)',
     'R^2 computed as 1 - R^2', 'tests/test_sequential.py tests/test_serialization.py'),
    ('labels.py',
     '        if np.any(unknown):',
     '        if False:',
     'unseen labels accepted', 'tests/test_sequential.py tests/test_preprocessing.py'),
    ('_validation.py',
     '    if n_features is not None and A.shape[1] != n_features:',
     '    if False:',
     'feature count not checked', 'tests/test_sequential.py'),
    ('registry.py',
     '            if name.lower() in folded:',
     '            if name in folded:',
     'names become case-sensitive', 'tests/test_registry.py'),
    ('callbacks.py',
     '            if self._wait >= self.patience:',
     '            if self._wait > self.patience:',
     'EarlyStopping waits one epoch too many', 'tests/test_training.py'),
    ('losses.py',
     '            work -= target * output\n            work *= weight[:, None]',
     '            work -= target * output',
     'binary cross-entropy ignores sample weights', 'tests/test_training.py'),
    ('sequential.py',
     '            weight = None if weight is None else weight[:-n_val]',
     '            weight = None if weight is None else weight[n_val:]',
     'validation split misaligns the sample weights', 'tests/test_training.py tests/test_fast_paths.py'),
    ('schedules.py',
     '        return self.initial_lr * self.gamma ** (step // self.step_size)',
     '        return self.initial_lr * self.gamma ** (step // self.step_size + 1)',
     'StepDecay decays one step early', 'tests/test_optimizers.py'),
    ('model_state.py',
     '    arrays.update({f"opt/{k}": v for k, v in optimizer_arrays.items()})',
     '',
     'optimizer state not saved', 'tests/test_serialization.py'),
]

def main(selected):
    root = tempfile.mkdtemp(prefix="scratchnet-breakages-")
    for name in ("src", "tests", "docs", "pyproject.toml"):
        source = os.path.join(HERE, name)
        copy = shutil.copytree if os.path.isdir(source) else shutil.copy
        copy(source, os.path.join(root, name))
    results = []
    for index, (rel, old, new, what, tests) in enumerate(BREAKAGES):
        if selected and index not in selected:
            continue
        results.append(_run(root, rel, old, new, what, tests))
        print(f"{index:2d} {'caught' if results[-1][0] else 'MISSED'}  {what} ({rel}): "
              f"{results[-1][1]}", flush=True)
    shutil.rmtree(root)
    print(f"{sum(r[0] for r in results)}/{len(results)} caught")
    return 0 if all(r[0] for r in results) else 1


def _run(root, rel, old, new, what, tests):
    path = os.path.join(root, "src/scratchnet", rel)
    text = open(path).read()
    assert text.count(old) == 1, (rel, old)
    open(path, "w").write(text.replace(old, new))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests.split()],
            cwd=root, env={**os.environ, "PYTHONPATH": os.path.join(root, "src")},
            capture_output=True, text=True, timeout=600)
        failed = [line.split(" - ")[0].replace("FAILED ", "") for line in run.stdout.splitlines()
                  if line.startswith("FAILED")]
    finally:
        open(path, "w").write(text)
    return run.returncode != 0, failed[:1]


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]]))
