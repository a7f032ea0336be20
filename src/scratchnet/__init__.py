"""scratchnet: neural networks from scratch on NumPy.

>>> import scratchnet as sn
>>> model = sn.Sequential([sn.Dense(64), sn.ReLU(), sn.Dense(10)], seed=0)
"""

__version__ = "0.1.0"

from .callbacks import Callback, EarlyStopping, History
from .errors import DataValidationError, ModelFileError, TrainingDivergedError
from .gradcheck import check_gradients
from .layers import (ACTIVATIONS, LAYERS, Dense, Dropout, Identity, Layer, LeakyReLU, ReLU,
                     Sigmoid, Softmax, Tanh)
from .losses import LOSSES, MSE, BinaryCrossEntropy, CrossEntropy, Loss
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, RMSprop
from .schedules import CosineDecay, ExponentialDecay, Schedule, StepDecay
from .sequential import Sequential
from .serialization import load
from .onnx_export import export_onnx
from . import datasets, preprocessing  # noqa: E402  (light: NumPy and the stdlib only)

__all__ = [
    "Sequential", "load", "export_onnx", "datasets", "preprocessing",
    "Layer", "Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Identity", "Dropout",
    "Loss", "MSE", "BinaryCrossEntropy", "CrossEntropy",
    "Optimizer", "SGD", "Adam", "RMSprop",
    "Schedule", "StepDecay", "ExponentialDecay", "CosineDecay",
    "Callback", "EarlyStopping", "History",
    "check_gradients",
    "DataValidationError", "ModelFileError", "TrainingDivergedError",
    "ACTIVATIONS", "LAYERS", "LOSSES", "OPTIMIZERS",
]
