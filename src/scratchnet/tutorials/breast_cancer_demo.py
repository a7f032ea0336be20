"""The breast cancer demo behind ``scratchnet train``, on the bundled UCI data."""

import time

from ..callbacks import EarlyStopping
from ..datasets import load_breast_cancer
from ..layers import Dense, Dropout
from ..optimizers import Adam
from ..preprocessing import StandardScaler, train_test_split
from ..sequential import Sequential

__all__ = ["run_demo"]


def run_demo(epochs=100, seed=0, verbose=1, print_fn=print):
    """Train a 30-16-1 network on UCI breast cancer (569 x 30, labels 'M'/'B').

    80/20 stratified split, standardized with statistics of the training part,
    binary cross-entropy, Adam; a tenth of the training part is held out for
    early stopping on the validation loss.

    Returns
    -------
    dict
        ``train_accuracy``, ``test_accuracy``, ``epochs`` run and ``seconds``.
    """
    X, y = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=seed, stratify=y)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

    model = Sequential([Dense(16, activation="relu"), Dropout(0.2), Dense(1)],
                       loss="binary_cross_entropy", optimizer=Adam(lr=1e-3), seed=seed)
    print_fn(f"Breast cancer (UCI): {len(X_train)} training and {len(X_test)} test samples, "
             f"{X.shape[1]} features, labels {sorted(set(y.tolist()))}")
    start = time.perf_counter()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1,
                        callbacks=[EarlyStopping(patience=10)], verbose=verbose)
    seconds = time.perf_counter() - start
    result = {
        "train_accuracy": model.evaluate(X_train, y_train)["accuracy"],
        "test_accuracy": model.evaluate(X_test, y_test)["accuracy"],
        "epochs": history.epochs,
        "seconds": seconds,
    }
    print_fn(f"Trained {result['epochs']} epochs in {seconds:.2f} s")
    print_fn(f"Train accuracy: {100 * result['train_accuracy']:.2f} %")
    print_fn(f"Test accuracy:  {100 * result['test_accuracy']:.2f} %")
    return result
