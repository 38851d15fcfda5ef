"""The minibatch-training workbook: course data, grading checks and the `workbook` command."""

__version__ = "0.2.0"

ASSIGNMENTS = ("01_cross_entropy", "02_training_loop", "03_modules", "04_data_loading")
