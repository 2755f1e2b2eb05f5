"""Fakes of the cloud services Assist talks to, faithful at the HTTP level."""
