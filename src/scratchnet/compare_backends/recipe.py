"""What every backend is asked to train, and what it hands back."""

from dataclasses import dataclass

__all__ = ["Recipe", "Trained"]


@dataclass(frozen=True)
class Recipe:
    """What to train, the same for every library.

    Attributes
    ----------
    hidden : tuple of int
        Widths of the hidden ReLU layers.
    n_classes : int
        2 gives one logit; more give one per class.
    epochs, batch_size : int
    lr : float
        Adam's learning rate.
    seed : int
        Seeds the library's initialization and shuffling.
    """

    hidden: tuple
    n_classes: int
    epochs: int
    batch_size: int
    lr: float
    seed: int


@dataclass
class Trained:
    """A trained network: how long it took and how to use it.

    Attributes
    ----------
    seconds : float
        Wall time of the training itself (the model built, the data converted).
    epochs : int
        Epochs actually run.
    predict : callable
        ``predict(X) -> ndarray of int`` class codes for a float32 ``X``.
    """

    seconds: float
    epochs: int
    predict: object
