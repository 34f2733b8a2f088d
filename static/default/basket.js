// Progressive enhancement of the basket forms; every form works without it.
