"""Online study (网络研修): courses, server-measured study time, quizzes."""
