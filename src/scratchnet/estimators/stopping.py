"""scikit-learn's rule for when a network has stopped improving, with its state across fits."""

import numpy as np

__all__ = ["TrainingState"]


class TrainingState:
    """scikit-learn's stopping rule: no improvement by ``tol`` for ``n_iter_no_change`` epochs.

    Without early stopping, an epoch improves when its loss is below the best
    loss so far minus ``tol``; with it, when the validation score is above the
    best score so far plus ``tol``. Training stops once more than
    ``n_iter_no_change`` epochs in a row have not improved.
    """

    def __init__(self, loss_curve, best_loss, validation_scores, best_validation_score,
                 no_improvement):
        self.loss_curve = loss_curve
        self.best_loss = best_loss
        self.validation_scores = validation_scores
        self.best_validation_score = best_validation_score
        self.no_improvement = no_improvement

    @classmethod
    def fresh(cls, early_stopping):
        if early_stopping:
            return cls([], None, [], -np.inf, 0)
        return cls([], np.inf, None, None, 0)

    def record_loss(self, loss, tol):
        if self.best_loss is None:  # early stopping was on in the previous fit
            self.best_loss = np.inf
        self.no_improvement = self.no_improvement + 1 if loss > self.best_loss - tol else 0
        self.best_loss = min(self.best_loss, loss)

    def record_score(self, score, tol):
        """Record a validation score; True when it is the best so far."""
        if self.validation_scores is None:  # early stopping was off in the previous fit
            self.validation_scores, self.best_validation_score = [], -np.inf
        self.validation_scores.append(score)
        self.no_improvement = (self.no_improvement + 1
                               if score < self.best_validation_score + tol else 0)
        if score > self.best_validation_score:
            self.best_validation_score = score
            return True
        return False
