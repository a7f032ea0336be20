"""scratchnet: neural networks from scratch on NumPy.

>>> import scratchnet as sn
>>> model = sn.Sequential([sn.Dense(64), sn.ReLU(), sn.Dense(10)], seed=0)
"""

from ._version import __version__
from .callbacks import (CALLBACKS, Callback, CSVLogger, EarlyStopping, History, LambdaCallback,
                        LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau)
from .diagnostics import Diagnostics, DiagnosticsReport, NaNSentinel, diagnose
from .errors import DataValidationError, ModelFileError, TrainingDivergedError
from .gradcheck import check_gradients
from .initializers import INITIALIZERS, GlorotUniform, HeNormal, Initializer, StandardNormal
from .layers import (ACTIVATIONS, LAYERS, Activation, Dense, Dropout, Identity, Layer, LeakyReLU,
                     ReLU, Sigmoid, Softmax, Tanh)
from .layers import ELU, GELU, BatchNorm, SiLU, Softplus, Swish
from .loading import load
from .lr_finder import LRFinderResult, lr_find
from .metrics import (AUC, METRICS, Accuracy, F1Score, MeanAbsoluteError, MeanSquaredError,
                      Metric, Precision, R2Score, Recall, RootMeanSquaredError, TopKAccuracy)
from .losses import LOSSES, MAE, MSE, BinaryCrossEntropy, CrossEntropy, Huber, Loss
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from .parameters import ParameterStore
from .schedules import SCHEDULES, CosineDecay, ExponentialDecay, Schedule, StepDecay
from .sequential import Sequential
from .ensemble import Ensemble
from .onnx_export import export_onnx
from .tasks import BinaryTask, MulticlassTask, RegressionTask, Task
from .training import TrainingLoop
# Light modules (NumPy and the stdlib only), reachable as attributes.
from . import datasets, export_numpy, inference, lr_finder, model_copy, preprocessing  # noqa: E402

__all__ = [
    "__version__", "Sequential", "Ensemble", "load", "export_onnx", "datasets", "preprocessing",
    "Layer", "Activation", "Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax",
    "Identity", "Dropout",
    "GELU", "SiLU", "Swish", "ELU", "Softplus", "BatchNorm",
    "Initializer", "StandardNormal", "GlorotUniform", "HeNormal",
    "Loss", "MSE", "MAE", "Huber", "BinaryCrossEntropy", "CrossEntropy",
    "Optimizer", "SGD", "Adam", "RMSprop", "AdamW", "Adagrad",
    "Schedule", "StepDecay", "ExponentialDecay", "CosineDecay",
    "Callback", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "LearningRateScheduler",
    "CSVLogger", "LambdaCallback", "History",
    "Metric", "Accuracy", "Precision", "Recall", "F1Score", "AUC", "TopKAccuracy",
    "MeanAbsoluteError", "MeanSquaredError", "RootMeanSquaredError", "R2Score",
    "Task", "MulticlassTask", "BinaryTask", "RegressionTask",
    "ParameterStore", "TrainingLoop",
    "check_gradients",
    "Diagnostics", "DiagnosticsReport", "NaNSentinel", "diagnose",
    "lr_find", "LRFinderResult",
    "DataValidationError", "ModelFileError", "TrainingDivergedError",
    "ACTIVATIONS", "LAYERS", "LOSSES", "OPTIMIZERS", "SCHEDULES", "INITIALIZERS", "CALLBACKS",
    "METRICS",
]
