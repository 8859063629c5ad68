"""Running the model: the engine (weekly tick over the registered mechanisms), batched
replicates and the Mesa face (:class:`ICSModel` and its agents, the only Mesa code).
"""
