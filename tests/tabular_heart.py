"""How ``heart.csv`` is made from the bundled ``heart.dat`` (used by a test and to regenerate it).

Run ``python tests/tabular_heart.py`` to rewrite ``src/scratchnet/datasets/data/heart.csv``.
"""

from importlib import resources

THAL = {"3": "normal", "6": "fixed_defect", "7": "reversible_defect"}
CLASS = {"1": "absent", "2": "present"}
HEADER = ("age,sex,chest_pain_type,resting_blood_pressure,serum_cholesterol,"
          "fasting_blood_sugar,resting_ecg,max_heart_rate,exercise_angina,oldpeak,slope,"
          "n_major_vessels,thal,heart_disease")


def heart_csv_text():
    """The CSV text: named columns, '.0' dropped, thal and the class as words."""
    dat = (resources.files("scratchnet.datasets") / "data" / "heart.dat").read_text("ascii")
    lines = [HEADER]
    for line in dat.splitlines():
        tokens = [t[:-2] if t.endswith(".0") else t for t in line.split()]
        tokens[12] = THAL[tokens[12]]
        tokens[13] = CLASS[tokens[13]]
        lines.append(",".join(tokens))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = resources.files("scratchnet.datasets") / "data" / "heart.csv"
    with open(str(target), "w", encoding="ascii", newline="\n") as f:
        f.write(heart_csv_text())
