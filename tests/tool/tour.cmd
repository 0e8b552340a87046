tour
