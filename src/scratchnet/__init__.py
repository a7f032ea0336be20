"""scratchnet: neural networks from scratch on NumPy.

>>> import scratchnet as sn
>>> model = sn.Sequential([sn.Dense(64), sn.ReLU(), sn.Dense(10)], seed=0)
"""

from ._version import __version__
from .callbacks import CALLBACKS, Callback, EarlyStopping, History
from .errors import DataValidationError, ModelFileError, TrainingDivergedError
from .gradcheck import check_gradients
from .initializers import INITIALIZERS, GlorotUniform, HeNormal, Initializer, StandardNormal
from .layers import (ACTIVATIONS, LAYERS, Activation, Dense, Dropout, Identity, Layer, LeakyReLU,
                     ReLU, Sigmoid, Softmax, Tanh)
from .loading import load
from .losses import LOSSES, MSE, BinaryCrossEntropy, CrossEntropy, Loss
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, RMSprop
from .parameters import ParameterStore
from .schedules import SCHEDULES, CosineDecay, ExponentialDecay, Schedule, StepDecay
from .sequential import Sequential
from .ensemble import Ensemble
from .tasks import BinaryTask, MulticlassTask, RegressionTask, Task
from .training import TrainingLoop
from . import datasets, preprocessing  # noqa: E402  (light: NumPy and the stdlib only)

__all__ = [
    "__version__", "Sequential", "Ensemble", "load", "datasets", "preprocessing",
    "Layer", "Activation", "Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax",
    "Identity", "Dropout",
    "Initializer", "StandardNormal", "GlorotUniform", "HeNormal",
    "Loss", "MSE", "BinaryCrossEntropy", "CrossEntropy",
    "Optimizer", "SGD", "Adam", "RMSprop",
    "Schedule", "StepDecay", "ExponentialDecay", "CosineDecay",
    "Callback", "EarlyStopping", "History",
    "Task", "MulticlassTask", "BinaryTask", "RegressionTask",
    "ParameterStore", "TrainingLoop",
    "check_gradients",
    "DataValidationError", "ModelFileError", "TrainingDivergedError",
    "ACTIVATIONS", "LAYERS", "LOSSES", "OPTIMIZERS", "SCHEDULES", "INITIALIZERS", "CALLBACKS",
]
