# dfscope: deepfake-video forensics on DeepfakeTIMIT-layout datasets.
# Reads like a table of contents: config, validation, rule files, targets.
import sys

from snakemake.utils import min_version

from dfscope.config import check_yaml, has_settings
from dfscope.report import make_report_folder

min_version("9.18")

CONFIG_FILE = "config/config.yaml"
# Snakemake would say only "not valid JSON or YAML": name the file, line and column first.
check_yaml(CONFIG_FILE)


if has_settings(CONFIG_FILE):  # an empty config file (or only comments): every default

    configfile: CONFIG_FILE


report: "workflow/report/workflow.rst"


make_report_folder(sys.argv)  # snakemake --report <new folder>/report.html


include: "workflow/rules/common.smk"


wildcard_constraints:
    batch=STUDY.batch_pattern,
    detector=r"[a-z0-9_]+",
    feature_set=r"[A-Za-z0-9_.-]+",
    fold=r"\d+",


include: "workflow/rules/frames.smk"
include: "workflow/rules/faces.smk"
include: "workflow/rules/metrics.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/classify.smk"


rule all:
    default_target: True
    input:
        STUDY.targets(),


onsuccess:
    print(end_message())
