// notificationmethods unit tests
package testing
