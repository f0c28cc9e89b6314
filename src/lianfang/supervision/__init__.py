"""Electronic supervision (电子监察): cases and events from business systems, the rule engine
(streaming and batch), cards and appeals."""
