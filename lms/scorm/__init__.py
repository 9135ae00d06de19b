"""SCORM 1.2 and 2004 packages as a lesson type: manifest parsing, safe extraction, the run-time's commits
(normalised across versions) and the isolated serving of the content. Sequencing is not supported."""
