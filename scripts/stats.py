"""Statistics shared by the evaluation scripts (imported; Python puts the script's folder on the path)."""
import bisect


def auc(pos, neg):
    """ROC AUC of scores `pos` (positives) against `neg`: P(pos > neg) + P(pos == neg) / 2."""
    neg = sorted(neg)
    wins = 0.0
    for p in pos:
        below, upto = bisect.bisect_left(neg, p), bisect.bisect_right(neg, p)
        wins += below + (upto - below) / 2
    return wins / (len(pos) * len(neg))
