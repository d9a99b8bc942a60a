# dfscope's workflow, run from the repository root with `snakemake --cores N`: the entry is
# workflow/Snakefile, where the Snakemake workflow catalog and `snakedeploy` expect it.


include: "workflow/Snakefile"


# Snakemake keeps the includer's default target, none here: the workflow's own is the default.
workflow.default_target = "all"
