"""The grading authority's approval (核准/定级) between verification and
publicity; rules.py resolves each application's authority."""
