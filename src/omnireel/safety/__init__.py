"""Text safety policy: a deterministic, dependency-free classifier of prompt text into the Interactions API's harm
categories, per-request thresholds from `safety_settings`, and the check a job runs before it renders.

    normalize   text → words, undoing disguises (accents, leetspeak, "b.o.m.b", "k*ll")
    lexicon     concepts: the words and phrases rules combine, and benign phrases that mask look-alikes
    matcher     concept occurrences in linear time, with benign masks and negation ("no gore")
    rules       combinations + context → severity per category; child-safety blocks; people named in the text
                (by capitals or a common first name) as the targets of insults and of incitement
    classifier  classify(text) → Verdict
    policy      SafetyPolicy: thresholds per category from validated settings
    enforce     check_request(...) raises SafetyBlocked

Image pixels are not classified: the image_* categories are accepted for compatibility and do nothing here.
"""

from omnireel.safety.categories import CATEGORIES, IMAGE_CATEGORIES, METHODS, TEXT_CATEGORIES, THRESHOLDS, Severity
from omnireel.safety.classifier import Verdict, classify
from omnireel.safety.enforce import check_request
from omnireel.safety.policy import SafetyPolicy

__all__ = ["CATEGORIES", "IMAGE_CATEGORIES", "METHODS", "TEXT_CATEGORIES", "THRESHOLDS", "SafetyPolicy", "Severity",
           "Verdict", "check_request", "classify"]
