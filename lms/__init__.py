"""Remote training: courses, progress, quizzes, virtual classes, certificates. Depends on programmes only."""
