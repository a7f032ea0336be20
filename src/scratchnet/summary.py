"""``Sequential.summary``'s table: layers, output shapes, parameter counts."""

__all__ = ["format_summary"]


def format_summary(model):
    """The summary of a built model as text (Keras's layout)."""
    dims = model.layer_output_dims()
    rows = []
    for layer, dim in zip(model.layers, dims):
        act = getattr(layer, "activation", None)
        name = type(layer).__name__ + (f" ({type(act).__name__})" if act is not None else "")
        rows.append((name, f"(None, {dim})", f"{layer.n_params:,}"))
    header = ("Layer (type)", "Output shape", "Params")
    widths = [max(len(r[c]) for r in rows + [header]) + 2 for c in range(3)]
    line = "-" * sum(widths)

    def fmt(row):
        return "".join(s.ljust(w) for s, w in zip(row, widths)).rstrip()

    return "\n".join([f"Sequential: input (None, {model.input_dim}), dtype {model.dtype.name}",
                      line, fmt(header), line, *map(fmt, rows), line,
                      f"Total params: {model.n_params:,}",
                      f"Loss: {model.loss!r}   Optimizer: {model.optimizer!r}"])
