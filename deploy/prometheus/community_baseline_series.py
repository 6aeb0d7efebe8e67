#!/usr/bin/env python3
"""Prints the counter values of community_baseline_test.yml in promtool's
a+bxn notation, from the posts per 5 minutes of each series below.

    python3 deploy/prometheus/community_baseline_series.py

Time 0 is 1970-01-01 00:00 UTC, a Thursday; Mondays are days 4, 11, 18, 25.
"""

STEP = 5  # minutes between samples
END = 27 * 1440 + 15 * 60  # day 27 (Wednesday) 15:00
NEVER = END + STEP


def between(day, h0, h1):
    return lambda d, m: d == day and h0 * 60 <= m < h1 * 60


def monday_evening(d, m):
    return d in (4, 11, 18, 25) and 18 * 60 <= m < 21 * 60


tuesday_evening = between(26, 18, 21)
wednesday_noon = between(27, 12, 14)


def news_allow(d, m):  # per replica, a and b
    if wednesday_noon(d, m):
        return 1
    return 80 if monday_evening(d, m) or tuesday_evening(d, m) else 19


def news_flag(d, m):
    if wednesday_noon(d, m):
        return 0
    return 40 if monday_evening(d, m) or tuesday_evening(d, m) else 2


def lokal_allow(d, m):
    return 190 if tuesday_evening(d, m) else 38


def lokal_flag(d, m):
    return 10 if tuesday_evening(d, m) else 2


def neu_allow(d, m):
    return 190 if tuesday_evening(d, m) else 38


def tiny_allow(d, m):
    if wednesday_noon(d, m):
        return 0
    if tuesday_evening(d, m):
        return 9
    return 3 if monday_evening(d, m) else 1


# name, posts per 5 minutes, first sample, first missing sample (minutes)
SERIES = [
    ("news-de ALLOW", news_allow, 0, NEVER),
    ("news-de FLAG", news_flag, 0, NEVER),
    ("lokal-de ALLOW", lokal_allow, 17 * 1440, 27 * 1440 + 12 * 60),
    ("lokal-de FLAG", lokal_flag, 17 * 1440, 27 * 1440 + 12 * 60),
    ("neu-de ALLOW", neu_allow, 26 * 1440 + 12 * 60, NEVER),
    ("tiny ALLOW", tiny_allow, 0, NEVER),
]


def values(posts, first, stop):
    """The counter at each sample (None where missing): the sample at t
    counts the posts of the 5 minutes before t."""
    out, total = [], 0
    for t in range(0, END + 1, STEP):
        if t < first or t >= stop:
            out.append(None)
            continue
        if t > first:
            total += posts(*divmod(t - STEP, 1440))
        out.append(total)
    return out


def notation(vals):
    """promtool's notation: runs 'a+bxn' (n + 1 values) and '_xn' (n missing)."""
    runs, i = [], 0
    while i < len(vals):
        j = i + 1
        if vals[i] is None:
            while j < len(vals) and vals[j] is None:
                j += 1
            runs.append("_x%d" % (j - i) if j - i > 1 else "_")
            i = j
        elif j < len(vals) and vals[j] is not None:
            step = vals[j] - vals[i]
            while j + 1 < len(vals) and vals[j + 1] is not None and vals[j + 1] - vals[j] == step:
                j += 1
            runs.append("%d+%dx%d" % (vals[i], step, j - i))
            i = j + 1
        else:
            runs.append("%d" % vals[i])
            i = j
    return " ".join(runs)


if __name__ == "__main__":
    for name, posts, first, stop in SERIES:
        print("%-15s '%s'" % (name, notation(values(posts, first, stop))))
