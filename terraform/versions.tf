terraform {
  # Cross-variable validation (auth_mode and its issuer settings) needs 1.9.
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # The backend (S3, partial) is in backend.tf.
}
