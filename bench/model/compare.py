"""Baselines for bench/model: XGBoost (hist) and scikit-learn HistGradientBoostingClassifier on the
customs-declarations data, fitted on train and evaluated on valid with the settings passed by
run.ts, single-threaded. Writes the figures as JSON (see run.ts for the table).

Encoding (label-fitted encodings from train only, as the data README requires): identifiers with
more than 255 levels (declarant, importer, seller, HS6, HS4) become 5-fold out-of-fold target
statistics on train, mapped from all of train onto valid, smoothed with the same prior weight as
our model; the other categoricals are native categorical features of each library.

usage: OMP_NUM_THREADS=1 /usr/bin/python3 compare.py --data DIR --params JSON --out FILE
"""
import argparse
import json
import math
import os
import time

import numpy as np
import pandas as pd

CATEGORICAL = ["Office ID", "Process Type", "Import Type", "Import Use", "Payment Type", "Mode of Transport",
               "Declarant ID", "Importer ID", "Seller ID", "Courier ID", "HS6 Code", "HS4", "HS2",
               "Country of Departure", "Country of Origin", "Tax Type", "Country of Origin Indicator"]
NUMERIC = ["Tax Rate", "Net Mass", "Item Price", "Unit Price"]
HIGH_CARDINALITY = ["Declarant ID", "Importer ID", "Seller ID", "HS6 Code", "HS4"]
LABEL = "Fraud"


def load(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.replace("", np.nan)
    df["HS6 Code"] = df["HS6 Code"].str.zfill(6)
    df["HS4"] = df["HS6 Code"].str[:4]
    df["HS2"] = df["HS6 Code"].str[:2]
    for c in ["Tax Rate", "Net Mass", "Item Price"]:
        df[c] = df[c].astype(float)
    mass = df["Net Mass"].where(df["Net Mass"] > 0)
    df["Unit Price"] = df["Item Price"] / mass
    return df


def target_encode(train, valid, column, prior_weight, seed):
    y = train[LABEL].astype(float).to_numpy()
    prior = y.mean()
    codes = train[column]
    oof = np.full(len(train), np.nan)
    rng = np.random.RandomState(seed)
    folds = rng.permutation(len(train)) % 5
    for k in range(5):
        fit = folds != k
        stats = pd.DataFrame({"c": codes[fit], "y": y[fit]}).groupby("c")["y"].agg(["sum", "count"])
        te = (stats["sum"] + prior_weight * prior) / (stats["count"] + prior_weight)
        part = codes[~fit].map(te).astype(float)
        part = part.where(codes[~fit].notna(), np.nan).fillna(prior).where(codes[~fit].notna(), np.nan)
        oof[~fit] = part.to_numpy()
    stats = pd.DataFrame({"c": codes, "y": y}).groupby("c")["y"].agg(["sum", "count"])
    te = (stats["sum"] + prior_weight * prior) / (stats["count"] + prior_weight)
    v = valid[column].map(te).astype(float)
    v = v.fillna(prior).where(valid[column].notna(), np.nan)
    return oof, v.to_numpy()


def prepare(train, valid, prior_weight, seed):
    xt = pd.DataFrame(index=train.index)
    xv = pd.DataFrame(index=valid.index)
    native = []
    for c in CATEGORICAL:
        if c in HIGH_CARDINALITY:
            xt[c], xv[c] = target_encode(train, valid, c, prior_weight, seed)
        else:
            cats = pd.Index(sorted(train[c].dropna().unique()))
            xt[c] = pd.Categorical(train[c], categories=cats)
            xv[c] = pd.Categorical(valid[c], categories=cats)
            native.append(c)
    for c in NUMERIC:
        xt[c] = train[c]
        xv[c] = valid[c]
    return xt, xv, native


def figures(scores, labels):
    from sklearn.metrics import average_precision_score, roc_auc_score
    order = np.argsort(-scores, kind="stable")
    positives = labels.sum()
    out = {"auc": float(roc_auc_score(labels, scores)), "averagePrecision": float(average_precision_score(labels, scores))}
    for n in (1, 2, 5, 10):
        k = math.ceil(n / 100 * len(labels))
        hits = int(labels[order[:k]].sum())
        out[f"p{n}"] = hits / k
        out[f"r{n}"] = hits / positives
    return out


def timed_predict(predict, x, repeats=5):
    best = math.inf
    scores = None
    for _ in range(repeats):
        t = time.perf_counter()
        scores = predict(x)
        best = min(best, time.perf_counter() - t)
    return scores, len(x) / best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--params", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    p = json.loads(a.params)
    train = load(os.path.join(a.data, "df_syn_train_eng.csv"))
    valid = load(os.path.join(a.data, "df_syn_valid_eng.csv"))
    xt, xv, native = prepare(train, valid, p["categoricalPriorWeight"], p["seed"])
    yt = train[LABEL].astype(int).to_numpy()
    yv = valid[LABEL].astype(int).to_numpy()
    results = {}

    import xgboost as xgb
    model = xgb.XGBClassifier(
        n_estimators=p["numTrees"], learning_rate=p["learningRate"], max_depth=p["maxDepth"],
        max_leaves=p["maxLeaves"], grow_policy="lossguide", tree_method="hist", max_bin=p["maxBins"],
        subsample=p["subsample"], colsample_bytree=p["colsample"], reg_lambda=p["lambda"],
        min_child_weight=p["minChildWeight"], gamma=p["minSplitGain"], enable_categorical=True,
        max_cat_to_onehot=1, max_cat_threshold=p["maxCatThreshold"], n_jobs=1, random_state=p["seed"])
    t = time.perf_counter()
    model.fit(xt, yt)
    fit_seconds = time.perf_counter() - t
    scores, per_second = timed_predict(lambda x: model.predict_proba(x)[:, 1], xv)
    results["xgboost"] = {"version": xgb.__version__, "trainSeconds": fit_seconds, "predictionsPerSecond": per_second,
                          **figures(scores, yv)}
    print(f"xgboost: {fit_seconds:.2f}s", flush=True)

    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier
    ht = xt.copy()
    hv = xv.copy()
    for c in native:
        ht[c] = ht[c].cat.codes.replace(-1, np.nan).astype(float)
        hv[c] = hv[c].cat.codes.replace(-1, np.nan).astype(float)
    hgb = HistGradientBoostingClassifier(
        max_iter=p["numTrees"], learning_rate=p["learningRate"], max_depth=p["maxDepth"] or None,
        max_leaf_nodes=p["maxLeaves"], max_bins=p["maxBins"], l2_regularization=p["lambda"],
        min_samples_leaf=p["minSamplesLeaf"], categorical_features=[c in native for c in ht.columns],
        early_stopping=False, random_state=p["seed"])
    t = time.perf_counter()
    hgb.fit(ht, yt)
    fit_seconds = time.perf_counter() - t
    scores, per_second = timed_predict(lambda x: hgb.predict_proba(x)[:, 1], hv)
    results["histgb"] = {"version": sklearn.__version__, "trainSeconds": fit_seconds, "predictionsPerSecond": per_second,
                         **figures(scores, yv)}
    print(f"histgb: {fit_seconds:.2f}s", flush=True)
    with open(a.out, "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
