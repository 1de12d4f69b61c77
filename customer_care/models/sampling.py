# This file is part of customer_care.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Random samples that can be drawn again: the same population, size and seed
always give the same records (satisfaction samples, survey samples).
"""
import random


def draw(population, size, seed):
    """Return the sorted ids drawn at random from population with seed.

    The same population (in any order), size and seed always give the same
    draw; a size larger than the population draws it all."""
    population = sorted(set(population))
    size = max(0, min(size, len(population)))
    return sorted(random.Random(seed).sample(population, size))
