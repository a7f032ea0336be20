"""One training step, printed the way the tutorials write it: equations, shapes, numbers.

``model.explain_step(X[:4], y[:4])`` runs one real step of the engine (the
forward pass in training mode, the loss, the backward pass, the optimizer's
update) on a *copy* of the model, and prints each equation with the shapes
of its arrays and a few of their numbers::

    Z1 = X @ W1 + b1: (4, 2) @ (2, 64) + (64,) -> (4, 64)
        Z1[0] = [0.4012, -1.203, 0.0339, ...]

Every number printed is one the engine computed, copied as it went. A
``Dense`` with an ``activation`` is shown as two steps, ``Z1`` then ``A1``:
the copy runs them as two layers, which is the same arithmetic in the same
order (the test checks the output, gradients and updated weights against a
real step of the model, bit for bit).
"""

import numpy as np

from .layers import (BatchNorm, Dense, Dropout, ELU, GELU, Identity, LeakyReLU, ReLU, Sigmoid,
                     SiLU, Softmax, Softplus, Tanh)
from .losses import MSE, BinaryCrossEntropy, CrossEntropy
from .model_copy import prepared_copy
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from .registry import deserialize, serialize

__all__ = ["explain_step", "StepTrace"]

#: Numbers shown of each array.
N_NUMBERS = 4

# Forward and backward equations of the parameter-free layers: I (input), O
# (output), dI, dO their gradients, {a} the layer's own settings.
_ELEMENTWISE = {
    ReLU: ("{O} = max({I}, 0)", "{dI} = {dO} * ({I} > 0)"),
    LeakyReLU: ("{O} = where({I} > 0, {I}, {a.negative_slope:g} * {I})",
                "{dI} = {dO} * where({I} > 0, 1, {a.negative_slope:g})"),
    Sigmoid: ("{O} = 1 / (1 + exp(-{I}))", "{dI} = {dO} * {O} * (1 - {O})"),
    Tanh: ("{O} = tanh({I})", "{dI} = {dO} * (1 - {O}**2)"),
    Softmax: ("{O} = exp({I} - max) / sum(exp({I} - max), axis=1)",
              "{dI} = {O} * ({dO} - sum({dO} * {O}, axis=1))"),
    Identity: ("{O} = {I}", "{dI} = {dO}"),
    SiLU: ("{O} = {I} * sigmoid({I})", "{dI} = {dO} * s * (1 + {I} * (1 - s)), s = sigmoid({I})"),
    ELU: ("{O} = where({I} > 0, {I}, {a.alpha:g} * (exp({I}) - 1))",
          "{dI} = {dO} * where({I} > 0, 1, {a.alpha:g} * exp({I}))"),
    Softplus: ("{O} = log(1 + exp({a.beta:g} * {I})) / {a.beta:g}",
               "{dI} = {dO} * sigmoid({a.beta:g} * {I})"),
    Dropout: ("{O} = {I} * M / (1 - {a.rate:g}), M ~ Bernoulli({keep:g})",
              "{dI} = {dO} * M / (1 - {a.rate:g})"),
}
_GELU = {
    "none": ("{O} = {I} * Phi({I}), Phi(x) = (1 + erf(x / sqrt(2))) / 2",
             "{dI} = {dO} * (Phi({I}) + {I} * exp(-{I}**2 / 2) / sqrt(2 pi))"),
    "tanh": ("{O} = {I} * (1 + tanh(sqrt(2/pi) * ({I} + 0.044715 {I}**3))) / 2",
             "{dI} = {dO} * d/dx[gelu_tanh]({I})"),
}


class StepTrace:
    """What :func:`explain_step` computed and printed.

    Attributes
    ----------
    text : str
        The printed explanation.
    arrays : dict of str -> ndarray
        Every array shown, by its name in the text (``"Z1"``, ``"dW1"``, ``"W1 after"``).
    output : ndarray
        The network's output on the batch (training mode).
    loss : float
    grads : list of ndarray
        The gradients, in the order of ``model.get_weights()``.
    weights_after : list of ndarray
        The parameters after the update, same order.
    """

    def __init__(self, text, arrays, output, loss, grads, weights_after):
        self.text = text
        self.arrays = arrays
        self.output = output
        self.loss = loss
        self.grads = grads
        self.weights_after = weights_after

    def __str__(self):
        return self.text


def explain_step(model, X, y, print_fn=print):
    """Print one training step of ``model`` on the batch ``(X, y)``, run on a copy.

    Parameters
    ----------
    model : Sequential
        Fitted or not (an unfitted model's copy is built from ``(X, y)`` with
        the weights its seed gives, as a first ``fit`` would).
    X : array-like of shape (n, n_features)
        The batch; keep it small (``X[:4]``), every row takes part.
    y : array-like of shape (n,)
    print_fn : callable or None, default print
        Called with the whole text; None to print nothing.

    Returns
    -------
    StepTrace
        The text and every array it shows.

    Examples
    --------
    >>> import numpy as np, scratchnet as sn
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> model = sn.Sequential([sn.Dense(3, activation="relu"), sn.Dense(2)], seed=0)
    >>> trace = model.explain_step(X, [1, 1, 0, 0], print_fn=None)
    >>> print(trace.text.splitlines()[5])
      Z1 = X @ W1 + b1: (4, 2) @ (2, 3) + (3,) -> (4, 3)
    """
    copy, X, Y = prepared_copy(model, X, y)
    steps = _Expanded(copy)
    lines = [f"One training step on a copy of the model ({len(X)} samples, training mode); "
             "the model itself is not changed.", ""]
    arrays = {"X": X.copy()}

    lines += ["Forward", f"  X: {_shape(X)}"]
    lines += _show("X", X)
    out = X
    for step in steps:
        out = step.layer.forward(out, True)
        arrays[step.out] = out.copy()
        lines.append("  " + step.forward_equation(arrays))
        lines += _show(step.out, out)
    output = out.copy()

    loss = steps.model.loss
    value = loss.forward(out, Y)
    last = steps[-1].out
    formula, note = _loss_formula(loss, last)
    lines += ["", "Loss", f"  L = {formula} = {value:.6g}{note}",
              f"      Y: the targets as the loss reads them, {_shape(Y)}"]

    lines += ["", "Backward"]
    grad = loss.backward()
    arrays["d" + last] = grad.copy()
    lines.append(f"  d{last} = {_loss_gradient(loss, last, Y)}: {_shape(grad)}")
    lines += _show("d" + last, grad)
    for step in reversed(steps):
        if not step.layer.needs_input_grad and not step.layer.params:
            break
        grad = step.layer.backward(grad)
        for name, key in step.param_names.items():
            arrays["d" + name] = step.layer.grads[key].copy()
        if grad is not None:
            arrays["d" + step.inp] = grad.copy()
        for equation, name in step.backward_equations(arrays, grad is not None):
            lines.append("  " + equation)
            lines += _show(name, arrays[name])
        if grad is None:
            lines.append(f"  (no d{step.inp}: nothing before this layer learns)")
            break

    optimizer = steps.model.optimizer
    before = {name: step.layer.params[key].copy() for step in steps
              for name, key in step.param_names.items()}
    lr = optimizer.current_lr()
    steps.model.parameters.step(optimizer)
    lines += ["", f"Update {optimizer.iterations} of {optimizer!r}, lr = {lr:g}"]
    for step in steps:
        for name, key in step.param_names.items():
            after = step.layer.params[key]
            arrays[name + " after"] = after.copy()
            lines.append(f"  {_update_rule(optimizer, name)}: {_shape(after)}")
            lines.append(f"      {_where(name, after)}: {_numbers(before[name])} -> "
                         f"{_numbers(after)}")
    text = "\n".join(lines)
    if print_fn is not None:
        print_fn(text)
    params = [arrays["d" + name] for step in steps for name in step.param_names]
    after = [arrays[name + " after"] for step in steps for name in step.param_names]
    return StepTrace(text, arrays, output, value, params, after)


class _Step:
    """One layer of the expanded copy, with the names of its arrays."""

    def __init__(self, layer, inp, out, index):
        self.layer, self.inp, self.out = layer, inp, out
        if isinstance(layer, Dense):
            self.param_names = {f"W{index}": "W"}
            if layer.use_bias:
                self.param_names[f"b{index}"] = "b"
        elif isinstance(layer, BatchNorm):
            self.param_names = {f"gamma{index}": "gamma", f"beta{index}": "beta"}
        else:
            self.param_names = {name + str(index): name for name in layer.params}

    def _names(self):
        names = {"I": self.inp, "O": self.out, "dI": "d" + self.inp, "dO": "d" + self.out}
        names.update({key: name for name, key in self.param_names.items()})
        return names

    def forward_equation(self, arrays):
        layer, n = self.layer, self._names()
        if isinstance(layer, Dense):
            bias = f" + {n['b']}" if layer.use_bias else ""
            shapes = f"{_shape(arrays[self.inp])} @ {_shape(layer.params['W'])}"
            shapes += f" + {_shape(layer.params['b'])}" if layer.use_bias else ""
            return (f"{self.out} = {self.inp} @ {n['W']}{bias}: {shapes} -> "
                    f"{_shape(arrays[self.out])}")
        if isinstance(layer, BatchNorm):
            return (f"{self.out} = {n['gamma']} * ({self.inp} - mean({self.inp})) / "
                    f"sqrt(var({self.inp}) + {layer.eps:g}) + {n['beta']}: "
                    f"{_shape(arrays[self.inp])} -> {_shape(arrays[self.out])}   "
                    "(mean, var over the batch)")
        template = _template(layer, 0)
        return f"{template.format(a=layer, keep=1 - getattr(layer, 'rate', 0), **n)}: " \
               f"{_shape(arrays[self.out])}"

    def backward_equations(self, arrays, with_input):
        """``[(equation, name of the array it defines)]``."""
        layer, n = self.layer, self._names()
        dI, dO = n["dI"], n["dO"]
        eqs = []
        if isinstance(layer, Dense):
            eqs.append((f"d{n['W']} = {self.inp}.T @ {dO}: {_shape(arrays[self.inp].T)} @ "
                        f"{_shape(arrays[dO])} -> {_shape(layer.params['W'])}", "d" + n["W"]))
            if layer.use_bias:
                eqs.append((f"d{n['b']} = sum({dO}, axis=0): {_shape(layer.params['b'])}",
                            "d" + n["b"]))
            if with_input:
                eqs.append((f"{dI} = {dO} @ {n['W']}.T: {_shape(arrays[dO])} @ "
                            f"{_shape(layer.params['W'].T)} -> {_shape(arrays[dI])}", dI))
            return eqs
        if isinstance(layer, BatchNorm):
            eqs.append((f"d{n['gamma']} = sum({dO} * {self.inp}_hat, axis=0): "
                        f"{_shape(layer.params['gamma'])}", "d" + n["gamma"]))
            eqs.append((f"d{n['beta']} = sum({dO}, axis=0): {_shape(layer.params['beta'])}",
                        "d" + n["beta"]))
            if with_input:
                eqs.append((f"{dI} = {n['gamma']} / sqrt(var + {layer.eps:g}) * ({dO} - "
                            f"mean({dO}) - {self.inp}_hat * mean({dO} * {self.inp}_hat)): "
                            f"{_shape(arrays[dI])}", dI))
            return eqs
        template = _template(layer, 1)
        equation = template.format(a=layer, keep=1 - getattr(layer, "rate", 0), **n)
        return [(f"{equation}: {_shape(arrays[dI])}", dI)] if with_input else []


def _template(layer, which):
    if isinstance(layer, GELU):
        return _GELU[layer.approximate][which]
    for cls, pair in _ELEMENTWISE.items():
        if type(layer) is cls:
            return pair[which]
    name = type(layer).__name__
    return ("{O} = " + name + "({I})", "{dI} = " + name + ".backward({dO})")[which]


class _Expanded:
    """The copy rebuilt with every ``Dense(activation=f)`` as ``Dense`` then ``f``.

    The same arithmetic in the same order: the Dense computes Z into its own
    buffer, the activation reads it; backward, the activation's gradient feeds
    the Dense's. Weights, layer state, optimizer state and generator state are
    those of the copy.
    """

    def __init__(self, copy):
        from .sequential import Sequential

        layers, origin = [], []
        for i, layer in enumerate(copy.layers):
            activation = getattr(layer, "activation", None)
            if isinstance(layer, Dense) and activation is not None:
                config = dict(layer.get_config(), activation=None)
                layers += [Dense.from_config(config), deserialize(serialize(activation))]
                origin += [i, None]
            else:
                layers.append(deserialize(serialize(layer)))
                origin.append(i)
        model = Sequential(layers, loss=deserialize(serialize(copy.loss)),
                           optimizer=deserialize(serialize(copy.optimizer)), dtype=copy.dtype)
        model.task = copy.task
        model.build(copy.input_dim)
        model.set_weights(copy.get_weights())
        for layer, i in zip(model.layers, origin):
            if i is not None:
                for name, value in copy.layers[i].state.items():
                    layer.state[name][...] = value
        model.optimizer.set_state(copy.optimizer.get_state(), [model.parameters.values])
        model.rng.bit_generator.state = copy.rng.bit_generator.state
        self.model = model
        self.steps = self._name(model.layers)

    @staticmethod
    def _name(layers):
        steps, used, index, previous = [], {"X"}, 0, "X"
        for layer in layers:
            if isinstance(layer, Dense):
                index += 1
                letter = "Z"
            elif isinstance(layer, Dropout):
                letter = "D"
            elif isinstance(layer, BatchNorm):
                letter = "N"
            else:
                letter = "A"
            name = f"{letter}{index}"
            while name in used:
                name += "'"
            used.add(name)
            steps.append(_Step(layer, previous, name, index))
            previous = name
        return steps

    def __iter__(self):
        return iter(self.steps)

    def __reversed__(self):
        return reversed(self.steps)

    def __getitem__(self, i):
        return self.steps[i]


def _loss_formula(loss, Z):
    mean = "mean" if loss.reduction == "mean" else "sum"
    if isinstance(loss, CrossEntropy):
        return f"{mean}_i(logsumexp({Z}[i]) - {Z}[i, y_i])", "   (softmax cross-entropy)"
    if isinstance(loss, BinaryCrossEntropy):
        return f"{mean}(log(1 + exp({Z})) - Y * {Z})", "   (binary cross-entropy)"
    if isinstance(loss, MSE):
        return f"{mean}(({Z} - Y)**2)", ""
    return f"{type(loss).__name__}({Z}, Y)", ""


def _loss_gradient(loss, Z, Y):
    over = f" / {len(Y)}" if loss.reduction == "mean" else ""
    if isinstance(loss, CrossEntropy):
        return f"(softmax({Z}) - Y){over}"
    if isinstance(loss, BinaryCrossEntropy):
        return f"(sigmoid({Z}) - Y){over}"
    if isinstance(loss, MSE):
        over = f" / {Y.size}" if loss.reduction == "mean" else ""
        return f"2 * ({Z} - Y){over}"
    return f"dL/d{Z}"


def _update_rule(opt, p):
    g = "d" + p
    decay = ""
    if opt.weight_decay and not isinstance(opt, AdamW):
        decay = f"{g} += {opt.weight_decay:g} * {p}; "
    if opt.clipnorm is not None:
        decay = f"(all gradients rescaled to a global norm <= {opt.clipnorm:g}) " + decay
    if isinstance(opt, Adam):
        rule = (f"m = {opt.beta1:g} m + {1 - opt.beta1:g} {g}; v = {opt.beta2:g} v + "
                f"{1 - opt.beta2:g} {g}**2; {p} -= lr * m_hat / (sqrt(v_hat) + {opt.eps:g})")
        if isinstance(opt, AdamW):
            rule = f"{p} *= 1 - lr * {opt.weight_decay:g}; " + rule
    elif isinstance(opt, SGD):
        if not opt.momentum:
            rule = f"{p} -= lr * {g}"
        elif opt.nesterov:
            rule = f"v = {opt.momentum:g} v + {g}; {p} -= lr * ({g} + {opt.momentum:g} v)"
        else:
            rule = f"v = {opt.momentum:g} v + {g}; {p} -= lr * v"
    elif isinstance(opt, RMSprop):
        rule = (f"s = {opt.rho:g} s + {1 - opt.rho:g} {g}**2; "
                f"{p} -= lr * {g} / (sqrt(s) + {opt.eps:g})")
    elif isinstance(opt, Adagrad):
        rule = f"s += {g}**2; {p} -= lr * {g} / (sqrt(s) + {opt.eps:g})"
    else:
        rule = f"{p} = {type(opt).__name__}.step({p}, {g})"
    return decay + rule


def _shape(a):
    return str(tuple(int(d) for d in np.shape(a)))


def _numbers(a):
    flat = np.asarray(a)
    flat = flat[0] if flat.ndim == 2 else flat
    shown = ", ".join(f"{v:.4g}" for v in flat[:N_NUMBERS])
    return f"[{shown}{', ...' if flat.size > N_NUMBERS else ''}]"


def _where(name, a):
    return f"{name}[0]" if np.ndim(a) == 2 else name


def _show(name, a):
    return [f"      {_where(name, a)} = {_numbers(a)}"]
