"""What a trained ensemble answers: each member's predictions, scores, and the combined answer.

The members' raw outputs come from one stacked forward pass, shape
(K, n, outputs); the task head (``scratchnet.tasks``) then turns them into
labels, probabilities or values exactly as it does for a lone model, on the
K x n rows at once.
"""

import numpy as np

from .._validation import check_X
from ..metrics import compute_metrics
from .stacked import stacked_loss_values

__all__ = ["EnsemblePredictions"]

#: Elements of the widest activation stack per inference chunk (bounds memory).
PREDICT_ELEMENTS = 1 << 22


class EnsemblePredictions:
    """Inference of :class:`~scratchnet.ensemble.Ensemble` (its base class).

    Uses the ensemble's ``stages`` (the stacked layers), ``task``, ``loss``,
    ``n_models``, ``widths``, ``output_dim``, ``input_dim`` and ``dtype``.
    """

    def logits(self, X):
        """Every member's raw outputs for validated rows ``X``: shape (K, n, outputs).

        Computed in chunks of rows, so that the widest stacked activation
        holds at most :data:`PREDICT_ELEMENTS` elements.
        """
        widest = max(max(w) for w in self.widths)
        size = max(1, PREDICT_ELEMENTS // (self.n_models * max(widest, X.shape[1])))
        out = np.empty((self.n_models, len(X), self.output_dim), self.dtype)
        for start in range(0, len(X), size):
            Z = X[start:start + size]
            for stage in self.stages:
                Z = stage.forward(Z, False)
            out[:, start:start + size] = Z
        return out

    def _check_predict(self, X):
        if not self.built or (self.task.is_classifier and not self.task.fitted):
            raise RuntimeError("this ensemble is not fitted yet: call fit(X, y) first")
        return check_X(X, self.dtype, "X", self.input_dim)

    def _per_row(self, decide, Z):
        """``decide`` (a task head's method on (rows, outputs)) on all K x n rows, reshaped to (K, n, ...)."""
        K, n, C = Z.shape
        out = decide(Z.reshape(K * n, C))
        return out.reshape((K, n) + out.shape[1:])

    def predict(self, X):
        """Each member's predictions: labels (classifiers) or values.

        Returns
        -------
        ndarray of shape (K, n_samples), or (K, n_samples, n_outputs) for
        multi-output regression.
        """
        return self._per_row(self.task.decide, self.logits(self._check_predict(X)))

    def predict_proba(self, X):
        """Each member's class probabilities, shape (K, n_samples, n_classes)."""
        if not self.task.is_classifier:
            raise AttributeError("predict_proba is only available for classifiers")
        return self._per_row(self.task.probabilities, self.logits(self._check_predict(X)))

    def predict_mean(self, X):
        """The ensemble's answer by averaging.

        Classifiers: the labels of the mean probabilities (soft vote),
        :math:`\\arg\\max_c \\frac1K \\sum_k p_{kc}`; regression: the mean
        prediction. Shape (n_samples[, n_outputs]).
        """
        if not self.task.is_classifier:
            return self.predict(X).mean(axis=0)
        return self.task.classes_[self.predict_proba(X).mean(axis=0).argmax(axis=1)]

    def predict_vote(self, X):
        """The ensemble's answer by majority vote of the members' labels (ties: first class).

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        if not self.task.is_classifier:
            raise AttributeError("predict_vote is only available for classifiers; "
                                 "use predict_mean for regression")
        codes = self._per_row(self.task.decision_codes, self.logits(self._check_predict(X)))
        n_classes = len(self.task.classes_)
        counts = np.stack([np.count_nonzero(codes == c, axis=0) for c in range(n_classes)], axis=1)
        return self.task.classes_[counts.argmax(axis=1)]

    def evaluate(self, X, y):
        """Each member's loss and metrics on (X, y).

        Returns
        -------
        dict of str -> ndarray of shape (K,)
            ``loss`` and the task head's metrics (``accuracy`` for
            classifiers, ``mse`` and ``r2`` for regression), with the lone
            models' definitions.
        """
        self._check_predict(X)
        scores = self.member_scores(*self.prepare(X, y))
        return {key: np.array([s[key] for s in scores]) for key in scores[0]}

    def member_scores(self, X, Y):
        """Each member's loss and task metrics on validated ``X`` and encoded ``Y``: a list of K dicts."""
        Z = self.logits(X)
        losses = self.member_losses(Z, np.broadcast_to(Y, Z.shape))
        scores = []
        for k, value in enumerate(losses):
            scores.append({"loss": float(value), **self.task.scores(Z[k], Y),
                           **compute_metrics(self.metrics, Z[k], Y, self.task)})
        return scores

    def member_losses(self, Z, Y):
        """Each member's loss over all rows of Z (K, n, C), as its lone model reports it."""
        values = stacked_loss_values(self.loss, Z, Y)
        return values if self.loss.reduction == "mean" else values / Z.shape[1]
