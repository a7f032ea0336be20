"""Small datasets that ship inside the package: no download, no extra dependency.

The files live in ``scratchnet/datasets/data/``; their sources, licenses and
checksums are in the ``README.md`` there.
"""

import csv
import io
from importlib import resources

import numpy as np

__all__ = [
    "load_breast_cancer",
    "load_heart",
    "load_weight_height_toy",
    "load_weight_height_queries",
]

HEART_FEATURE_NAMES = (
    "age",
    "sex",
    "chest_pain_type",
    "resting_blood_pressure",
    "serum_cholesterol",
    "fasting_blood_sugar",
    "resting_ecg",
    "max_heart_rate",
    "exercise_angina",
    "oldpeak",
    "slope",
    "n_major_vessels",
    "thal",
)

WEIGHT_HEIGHT_FEATURE_NAMES = ("weight_lb_minus_135", "height_in_minus_66")


def _data_text(filename):
    return (resources.files(__package__) / "data" / filename).read_text(encoding="ascii")


def load_breast_cancer(return_feature_names=False):
    """The UCI Breast Cancer Wisconsin (Diagnostic) data: 569 tumours, 30 features.

    Each row describes the cell nuclei of one fine-needle aspirate image:
    the mean, the standard error and the worst (mean of the three largest)
    of ten measurements (radius, texture, perimeter, area, smoothness,
    compactness, concavity, concave points, symmetry, fractal dimension).

    Parameters
    ----------
    return_feature_names : bool, default False
        Also return the 30 column names (``radius_mean`` ... ``fractal_dimension_worst``).

    Returns
    -------
    X : ndarray of shape (569, 30), float64
    y : ndarray of shape (569,), str
        The diagnosis, ``'M'`` (malignant, 212 rows) or ``'B'`` (benign, 357).
        Encode it with :class:`scratchnet.preprocessing.LabelEncoder`
        (which maps B to 0 and M to 1).
    feature_names : list of str
        Only when ``return_feature_names`` is True.

    Notes
    -----
    W. H. Wolberg, W. N. Street, O. L. Mangasarian, UCI Machine Learning
    Repository, dataset 17, license CC BY 4.0.

    Examples
    --------
    >>> X, y = load_breast_cancer()
    >>> X.shape, int((y == "M").sum())
    ((569, 30), 212)
    """
    rows = list(csv.reader(io.StringIO(_data_text("breast_cancer.csv"))))
    header, body = rows[0], rows[1:]
    X = np.array([row[:-1] for row in body], dtype=np.float64)
    y = np.array([row[-1] for row in body])
    if return_feature_names:
        return X, y, list(header[:-1])
    return X, y


def load_heart(return_feature_names=False):
    """The UCI Statlog (Heart) data: 270 patients, 13 attributes, heart disease or not.

    Parameters
    ----------
    return_feature_names : bool, default False
        Also return the 13 column names (``age``, ``sex``, ``chest_pain_type``,
        ``resting_blood_pressure``, ``serum_cholesterol``,
        ``fasting_blood_sugar``, ``resting_ecg``, ``max_heart_rate``,
        ``exercise_angina``, ``oldpeak``, ``slope``, ``n_major_vessels``, ``thal``).

    Returns
    -------
    X : ndarray of shape (270, 13), float64
        Several columns are categorical codes (chest pain type 1-4, resting
        ECG 0-2, slope 1-3, thal 3/6/7) stored as numbers, as in the file.
    y : ndarray of shape (270,), int64
        The class exactly as in the UCI file: 1 = absence (150 rows),
        2 = presence (120 rows) of heart disease. ``y - 1`` gives 0/1.
    feature_names : list of str
        Only when ``return_feature_names`` is True.

    Notes
    -----
    UCI Machine Learning Repository, "Statlog (Heart)", dataset 145,
    license CC BY 4.0. The bundled ``heart.dat`` is the unchanged UCI file.

    Examples
    --------
    >>> X, y = load_heart()
    >>> X.shape, sorted(set(y.tolist()))
    ((270, 13), [1, 2])
    """
    table = np.loadtxt(io.StringIO(_data_text("heart.dat")), dtype=np.float64)
    X = table[:, :-1]
    y = table[:, -1].astype(np.int64)
    if return_feature_names:
        return X, y, list(HEART_FEATURE_NAMES)
    return X, y


def load_weight_height_toy(return_feature_names=False):
    """Four people's shifted weight and height, labelled female (1) or male (0).

    The toy training set of the classic "neural network from scratch" gender
    example: weight in pounds minus 135 and height in inches minus 66.

    ======== ========== ========== ======
    person   weight-135 height-66  y
    ======== ========== ========== ======
    Alice    -2         -1         1 (F)
    Bob      25         6          0 (M)
    Charlie  17         4          0 (M)
    Diana    -15        -6         1 (F)
    ======== ========== ========== ======

    Parameters
    ----------
    return_feature_names : bool, default False
        Also return ``['weight_lb_minus_135', 'height_in_minus_66']``.

    Returns
    -------
    X : ndarray of shape (4, 2), float64
    y : ndarray of shape (4,), int64
        1 for female, 0 for male.
    feature_names : list of str
        Only when ``return_feature_names`` is True.

    See Also
    --------
    load_weight_height_queries : the two people to predict after training.

    Examples
    --------
    >>> X, y = load_weight_height_toy()
    >>> X[1].tolist(), int(y[1])
    ([25.0, 6.0], 0)
    """
    X = np.array([[-2.0, -1.0], [25.0, 6.0], [17.0, 4.0], [-15.0, -6.0]])
    y = np.array([1, 0, 0, 1], dtype=np.int64)
    if return_feature_names:
        return X, y, list(WEIGHT_HEIGHT_FEATURE_NAMES)
    return X, y


def load_weight_height_queries():
    """The two unseen people of the weight/height toy example, with their names.

    Emily weighs 128 lb and is 63 in tall, Frank 155 lb and 68 in, shifted
    the same way as :func:`load_weight_height_toy`. A network trained on the
    toy data should call Emily female (close to 1) and Frank male (close to 0).

    Returns
    -------
    X : ndarray of shape (2, 2), float64
        ``[[-7, -3], [20, 2]]``.
    names : list of str
        ``['Emily', 'Frank']``, in the order of the rows of ``X``.

    Examples
    --------
    >>> X, names = load_weight_height_queries()
    >>> dict(zip(names, X.tolist()))
    {'Emily': [-7.0, -3.0], 'Frank': [20.0, 2.0]}
    """
    return np.array([[-7.0, -3.0], [20.0, 2.0]]), ["Emily", "Frank"]
