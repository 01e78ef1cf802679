"""What an operator's load balancer and monitoring read: liveness, readiness and metrics."""
