// A PDF worker whose start fails: its module throws as it loads.
throw new Error("module load failed");
