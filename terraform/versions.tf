terraform {
  # Cross-variable validation (auth_mode and its issuer settings) needs 1.9.
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State is local (terraform/terraform.tfstate) unless a backend is configured: see docs/deploy.md
  # for an S3 backend with locking, for teams and CI.
}
